<?xml version="1.0" encoding="UTF-8"?>
<!--
  The document's skeleton: TEI → a titled section; text/front/body/back flow into it;
  div → section (when it has a head); p → a citable paragraph unit.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:f="urn:kirov-edition:function"
    xmlns:m="urn:kirov-edition:mode"
    xmlns:t="urn:kirov-edition:template"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all">

  <!-- The document's title: the main title of the header, else the first title. -->
  <xsl:function name="f:doc-title" as="xs:string">
    <xsl:param name="tei" as="element()"/>
    <xsl:variable name="titles" as="element()*" select="$tei/teiHeader/fileDesc/titleStmt/title"/>
    <xsl:sequence select="(($titles[@type = 'main'], $titles)[1] ! normalize-space(.), f:key($tei))[. ne ''][1]"/>
  </xsl:function>

  <xsl:template match="TEI" mode="m:docutils">
    <section ids="{f:key(.)}" classes="tei-document {$reading}">
      <title><xsl:value-of select="f:doc-title(.)"/></title>
      <xsl:call-template name="t:flow">
        <xsl:with-param name="nodes" select="node()"/>
      </xsl:call-template>
      <xsl:call-template name="t:apparatus"/>
      <xsl:call-template name="t:emendation-list"/>
      <xsl:call-template name="t:file-lists"/>
    </section>
  </xsl:template>

  <!-- text, front, body, back: their blocks join the document's flow, so divs stay sections. -->
  <xsl:template match="*[f:behaviour(.) = 'transparent']" mode="m:docutils" priority="-0.4">
    <xsl:if test="@xml:id"><target ids="{f:id(.)}"/></xsl:if>
    <xsl:call-template name="t:flow">
      <xsl:with-param name="nodes" select="node()"/>
    </xsl:call-template>
    <xsl:call-template name="t:apparatus"/>
  </xsl:template>

  <xsl:template match="*[f:behaviour(.) = 'section']" mode="m:docutils" priority="-0.4">
    <xsl:variable name="head" as="element()?" select="head[1]"/>
    <xsl:choose>
      <xsl:when test="@type = 'chrome'">
        <!-- Web-page chrome: kept, but boxed apart from the text. -->
        <xsl:call-template name="t:container">
          <xsl:with-param name="classes" select="f:classes(., 'chrome')"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="$head">
        <section ids="{f:id(.)}" classes="{f:classes(., 'div')}">
          <title>
            <xsl:if test="$head/@xml:id"><xsl:attribute name="ids" select="f:id($head)"/></xsl:if>
            <xsl:apply-templates select="$head/node()" mode="m:docutils"/>
          </title>
          <xsl:call-template name="t:apparatus">
            <xsl:with-param name="owner" select="$head"/>
          </xsl:call-template>
          <xsl:call-template name="t:flow">
            <xsl:with-param name="nodes" select="node() except $head"/>
          </xsl:call-template>
          <xsl:call-template name="t:apparatus"/>
        </section>
      </xsl:when>
      <xsl:when test=".//*[f:behaviour(.) = 'section'][head]">
        <!-- No head of its own but titled divs inside: stay transparent so they remain sections. -->
        <target ids="{f:id(.)}"/>
        <xsl:call-template name="t:flow">
          <xsl:with-param name="nodes" select="node()"/>
        </xsl:call-template>
        <xsl:call-template name="t:apparatus"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="t:container">
          <xsl:with-param name="classes" select="f:classes(., 'div')"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The edition's citable unit: ids = xml:id, a ¶ permalink, its apparatus beside it. -->
  <xsl:template match="p" mode="m:docutils">
    <xsl:call-template name="t:paragraph">
      <xsl:with-param name="classes" select="f:classes(., ())[. ne '']"/>
      <xsl:with-param name="unit" select="true()"/>
    </xsl:call-template>
  </xsl:template>

  <!-- A head that is not a div's title (a second head, a head in a list or lg). -->
  <xsl:template match="head" mode="m:docutils">
    <xsl:choose>
      <xsl:when test="f:is-block(.)">
        <xsl:call-template name="t:paragraph">
          <xsl:with-param name="classes" select="f:classes(., 'head')"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <inline classes="{f:classes(., 'head')}"><xsl:apply-templates mode="m:docutils"/></inline>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A block quotation. -->
  <xsl:template match="quote[f:is-block(.)] | cit[f:is-block(.)]" mode="m:docutils">
    <block_quote classes="{f:classes(., local-name())}">
      <xsl:if test="@xml:id"><xsl:attribute name="ids" select="f:id(.)"/></xsl:if>
      <xsl:call-template name="t:flow">
        <xsl:with-param name="nodes" select="node()"/>
      </xsl:call-template>
      <xsl:call-template name="t:apparatus"/>
    </block_quote>
  </xsl:template>

</xsl:stylesheet>
