<?xml version="1.0" encoding="UTF-8"?>
<!--
  The source's physical layout: page breaks, running heads, line breaks.
  pb → a margin marker (inline classes="pb", id {key}-page-{n}); inferred numbers
  (pb/@cert) are classed so the reader can tell them apart. fw and line-end
  hyphens belong to the diplomatic reading only.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:f="urn:kirov-edition:function"
    xmlns:m="urn:kirov-edition:mode"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all">

  <xsl:key name="f:pb-by-n" match="pb[@n]" use="normalize-space(@n)"/>

  <!-- The page anchor: {key}-page-{n}, with -2, -3 … when a number recurs. -->
  <xsl:function name="f:page-id" as="xs:string?">
    <xsl:param name="pb" as="element(pb)"/>
    <xsl:variable name="n" as="xs:string" select="normalize-space($pb/@n)"/>
    <xsl:if test="$n ne ''">
      <xsl:variable name="same" as="element(pb)*" select="key('f:pb-by-n', $n, root($pb))"/>
      <xsl:variable name="i" as="xs:integer" select="(for $i in 1 to count($same) return
                                                      if ($same[$i] is $pb) then $i else ())[1]"/>
      <xsl:sequence select="f:key($pb) || '-page-' || f:id-safe($n) || (if ($i gt 1) then '-' || $i else '')"/>
    </xsl:if>
  </xsl:function>

  <xsl:template match="pb" mode="m:docutils">
    <xsl:variable name="n" as="xs:string" select="normalize-space(@n)"/>
    <inline classes="{string-join(('pb', if (@cert and @cert ne 'high') then 'inferred' else (),
                                   if ($n eq '') then 'unnumbered' else ()), ' ')}">
      <xsl:if test="$n ne ''"><xsl:attribute name="ids" select="f:page-id(.)"/></xsl:if>
      <xsl:value-of select="if ($n eq '') then '[–]' else if (f:edited()) then $n else '[' || $n || ']'"/>
    </inline>
  </xsl:template>

  <xsl:template match="fw" mode="m:docutils">
    <xsl:if test="not(f:edited())">
      <inline classes="{f:classes(., 'fw')}"><xsl:apply-templates mode="m:docutils"/></inline>
    </xsl:if>
  </xsl:template>

  <xsl:template match="lb" mode="m:docutils">
    <xsl:choose>
      <xsl:when test="f:edited()">
        <!-- A word-internal break joins; any other line break is a word space. -->
        <xsl:if test="not(@break = 'no')"><xsl:text> </xsl:text></xsl:if>
      </xsl:when>
      <xsl:otherwise>
        <xsl:if test="@rend = 'hyphen'">-</xsl:if>
        <inline classes="lb"/>
        <xsl:if test="not(@break = 'no')"><xsl:text> </xsl:text></xsl:if>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="cb | milestone" mode="m:docutils">
    <inline classes="{f:classes(., (local-name(), @unit))}">
      <xsl:if test="@xml:id"><xsl:attribute name="ids" select="f:id(.)"/></xsl:if>
    </inline>
  </xsl:template>

  <xsl:template match="anchor" mode="m:docutils">
    <xsl:if test="@xml:id"><target ids="{f:id(.)}"/></xsl:if>
  </xsl:template>

</xsl:stylesheet>
