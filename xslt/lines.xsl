<?xml version="1.0" encoding="UTF-8"?>
<!--
  Numbered lines: verse and drama (l/@n) and the lines of an inscription or a manuscript
  (lb/@n). Every numbered line is a citable anchor, {key}-l-{n} (lb: {key}-lb-{n}; an
  xml:id wins; -2, -3 … when a number recurs), and carries its number as a link to
  itself: class line-number, plus line-number-shown on every fifth line, which the
  stylesheet tei-foreign.css shows in the margin (the others appear on hover).
  An lb starts a new line (class lb-break) in the diplomatic reading and in an EpiDoc
  edition (div type="edition"), where the Leiden convention prints the text line by line.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:f="urn:kirov-edition:function"
    xmlns:fp="urn:kirov-edition:function:private"
    xmlns:m="urn:kirov-edition:mode"
    xmlns:t="urn:kirov-edition:template"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all">

  <xsl:key name="f:lines-by-n" match="l[normalize-space(@n)] | lb[normalize-space(@n)]"
      use="local-name() || ' ' || normalize-space(@n)"/>

  <!-- A line's anchor: its xml:id, else {key}-l-{n} / {key}-lb-{n}, numbered on when n recurs. -->
  <xsl:function name="f:line-id" as="xs:string">
    <xsl:param name="line" as="element()"/>
    <xsl:variable name="n" as="xs:string" select="normalize-space($line/@n)"/>
    <xsl:variable name="same" as="element()*" select="key('f:lines-by-n', local-name($line) || ' ' || $n, root($line))"/>
    <xsl:variable name="i" as="xs:integer" select="(for $i in 1 to count($same) return
                                                    if ($same[$i] is $line) then $i else (), 1)[1]"/>
    <xsl:sequence select="if ($line/@xml:id) then f:id($line)
        else f:key($line) || '-' || local-name($line) || '-' || f:id-safe($n) || (if ($i gt 1) then '-' || $i else '')"/>
  </xsl:function>

  <!-- Is the number shown in the margin? Every fifth line (numbers that are not integers: never). -->
  <xsl:function name="f:line-shown" as="xs:boolean">
    <xsl:param name="n" as="xs:string"/>
    <xsl:variable name="last" as="xs:string" select="replace($n, '^.*\D(\d+)$', '$1')"/>
    <xsl:sequence select="$last castable as xs:integer and xs:integer($last) mod 5 eq 0"/>
  </xsl:function>

  <xsl:template name="t:line-number">
    <xsl:param name="line" as="element()" select="."/>
    <xsl:variable name="n" as="xs:string" select="normalize-space($line/@n)"/>
    <reference refid="{f:line-id($line)}"
        classes="{string-join(('line-number', 'line-number-shown'[f:line-shown($n)]), ' ')}">
      <xsl:value-of select="$n"/>
    </reference>
  </xsl:template>

  <xsl:template match="l[normalize-space(@n)]" mode="m:docutils">
    <xsl:variable name="lead" as="element()">
      <xsl:call-template name="t:line-number"/>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="f:is-block(.)">
        <xsl:call-template name="t:paragraph">
          <xsl:with-param name="classes" select="f:classes(., ('l', 'numbered-line'))"/>
          <xsl:with-param name="anchor" select="f:line-id(.)"/>
          <xsl:with-param name="lead" select="$lead"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <inline ids="{f:line-id(.)}" classes="{f:classes(., ('l', 'numbered-line'))}">
          <xsl:sequence select="$lead"/>
          <xsl:apply-templates mode="m:docutils"/>
        </inline>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A line of the source (lb/@n). Between blocks it is an anchor only: the blocks are the lines. -->
  <xsl:template match="lb[normalize-space(@n)]" mode="m:docutils" priority="1">
    <xsl:choose>
      <xsl:when test="fp:between-blocks(.)">
        <target ids="{f:line-id(.)}"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:if test="@break = 'no' and not(f:edited()) and @rend = 'hyphen'">-</xsl:if>
        <xsl:if test="not(@break = 'no') and (preceding-sibling::node() or not(f:breaks-lines(.)))"><xsl:text> </xsl:text></xsl:if>
        <inline ids="{f:line-id(.)}" classes="{string-join(('lb', 'lb-numbered', 'lb-break'[f:breaks-lines(current())]), ' ')}">
          <xsl:call-template name="t:line-number"/>
        </inline>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:function name="fp:between-blocks" as="xs:boolean">
    <xsl:param name="lb" as="element(lb)"/>
    <xsl:sequence select="exists($lb/parent::*[f:behaviour(.) = ('root', 'transparent', 'section', 'block')])
        and exists($lb/../*[f:is-block(.)])"/>
  </xsl:function>

  <xsl:function name="f:breaks-lines" as="xs:boolean">
    <xsl:param name="lb" as="element(lb)"/>
    <xsl:sequence select="not(f:edited()) or exists($lb/ancestor::div[@type = 'edition'])"/>
  </xsl:function>

</xsl:stylesheet>
