<?xml version="1.0" encoding="UTF-8"?>
<!--
  Figures. The edition reproduces no images: a figure is a classed container holding
  its head (as caption) and figDesc; a graphic is shown as a marked placeholder
  naming its file, so the reader knows an image stood there.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:f="urn:kirov-edition:function"
    xmlns:m="urn:kirov-edition:mode"
    xmlns:t="urn:kirov-edition:template"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all">

  <xsl:template match="figure" mode="m:docutils">
    <container classes="{f:classes(., 'figure')}">
      <xsl:if test="@xml:id"><xsl:attribute name="ids" select="f:id(.)"/></xsl:if>
      <xsl:for-each select="head">
        <paragraph classes="caption">
          <xsl:apply-templates mode="m:docutils"/>
        </paragraph>
      </xsl:for-each>
      <xsl:call-template name="t:flow">
        <xsl:with-param name="nodes" select="node() except head"/>
      </xsl:call-template>
      <xsl:call-template name="t:apparatus"/>
    </container>
  </xsl:template>

  <xsl:template match="figDesc" mode="m:docutils">
    <xsl:call-template name="t:paragraph">
      <xsl:with-param name="classes" select="'legend'"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="graphic" mode="m:docutils">
    <inline classes="graphic">
      <xsl:text>[image</xsl:text>
      <xsl:if test="@url">: <xsl:value-of select="@url"/></xsl:if>
      <xsl:text>]</xsl:text>
    </inline>
  </xsl:template>

</xsl:stylesheet>
