<?xml version="1.0" encoding="UTF-8"?>
<!--
  Source readings and editorial readings (tei/ENCODING.md, "Source readings and
  editorial readings"). The diplomatic reading shows sic/orig/abbr; the edited one
  corr/reg/expan, supplied words in brackets, and ‟ „ as ’ ‘ (never inside c).
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:f="urn:kirov-edition:function"
    xmlns:m="urn:kirov-edition:mode"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all">

  <!-- Whitespace is not significant in the sources: runs collapse to one space. -->
  <xsl:template match="text()" mode="m:docutils">
    <xsl:variable name="s" as="xs:string" select="replace(., '\s+', ' ')"/>
    <xsl:value-of select="if (f:edited() and not(ancestor::c)) then translate($s, '‟„', '’‘') else $s"/>
  </xsl:template>

  <xsl:template match="choice" mode="m:docutils">
    <xsl:variable name="edited" as="element()*" select="(corr, reg, expan, ex)"/>
    <xsl:variable name="source" as="element()*" select="(sic, orig, abbr)"/>
    <xsl:variable name="shown" as="element()?"
        select="if (f:edited()) then ($edited, * except $source, *)[1] else ($source, *)[1]"/>
    <inline classes="choice">
      <xsl:apply-templates select="$shown" mode="m:docutils"/>
    </inline>
  </xsl:template>

  <!-- Readings of the source: shown in the diplomatic reading, and in the edited one when no
       editorial alternative stands beside them. -->
  <xsl:template match="sic | orig | abbr" mode="m:docutils">
    <inline classes="{f:classes(., local-name())}"><xsl:apply-templates mode="m:docutils"/></inline>
  </xsl:template>

  <!-- Editorial readings: the edited reading only. -->
  <xsl:template match="corr | reg | expan | ex" mode="m:docutils">
    <xsl:if test="f:edited()">
      <inline classes="{f:classes(., (local-name(), @cert ! ('cert-' || .)))}">
        <xsl:apply-templates mode="m:docutils"/>
      </inline>
    </xsl:if>
  </xsl:template>

  <xsl:template match="supplied" mode="m:docutils">
    <xsl:if test="f:edited()">
      <inline classes="{f:classes(., 'supplied')}">
        <xsl:text>[</xsl:text><xsl:apply-templates mode="m:docutils"/><xsl:text>]</xsl:text>
      </inline>
    </xsl:if>
  </xsl:template>

  <!-- A lost footnote text is marked in both readings: the reader must see that a note
       existed. Other gaps are an editorial statement, so the edited reading only. -->
  <xsl:template match="gap" mode="m:docutils">
    <xsl:choose>
      <xsl:when test="@reason = 'not-in-source'">
        <inline classes="gap not-in-source"><xsl:value-of select="$missing-note-text"/></inline>
      </xsl:when>
      <xsl:when test="f:edited()">
        <inline classes="{f:classes(., 'gap')}">[…]</inline>
      </xsl:when>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="app" mode="m:docutils">
    <inline classes="app">
      <xsl:apply-templates select="lem" mode="m:docutils"/>
      <xsl:apply-templates select="rdg | rdgGrp" mode="m:docutils"/>
    </inline>
  </xsl:template>

  <xsl:template match="lem" mode="m:docutils">
    <inline classes="lem"><xsl:apply-templates mode="m:docutils"/></inline>
  </xsl:template>

  <xsl:template match="rdg" mode="m:docutils">
    <inline classes="rdg">
      <xsl:text> [</xsl:text>
      <xsl:if test="@wit"><xsl:value-of select="@wit"/>: </xsl:if>
      <xsl:apply-templates mode="m:docutils"/>
      <xsl:text>]</xsl:text>
    </inline>
  </xsl:template>

  <xsl:template match="space" mode="m:docutils">
    <inline classes="space"><xsl:text> </xsl:text></inline>
  </xsl:template>

</xsl:stylesheet>
