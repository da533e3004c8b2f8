<?xml version="1.0" encoding="UTF-8"?>
<!--
  Policy for dynamic errors: an error while rendering one element never stops the
  document. Every element is rendered inside xsl:try; when its rendering fails, the
  element's text is shown as is (class "render-error") and the failure is reported
  with xsl:message (code render-error, element, path, Saxon's error code and text),
  which edition/transform.py places at the element's line of the TEI file.
  The innermost failing element is the one reported: its ancestors render normally.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:err="http://www.w3.org/2005/xqt-errors"
    xmlns:f="urn:kirov-edition:function"
    xmlns:fp="urn:kirov-edition:function:private"
    xmlns:t="urn:kirov-edition:template"
    xmlns:m="urn:kirov-edition:mode"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all">

  <!-- Template parameters pass through the wrapper: item's $leading (lists.xsl) is the only one. -->
  <xsl:template match="*" mode="m:docutils m:apparatus" priority="1000">
    <xsl:param name="leading" as="node()*" select="()"/>
    <xsl:try>
      <xsl:next-match>
        <xsl:with-param name="leading" select="$leading"/>
      </xsl:next-match>
      <xsl:catch errors="*">
        <xsl:message select="string-join(('render-error', name(), path(.),
            'could not be rendered (' || string($err:code) || ': ' || normalize-space($err:description)
            || '); its text is shown as is'), '&#9;')"/>
        <xsl:call-template name="t:fallback"/>
      </xsl:catch>
    </xsl:try>
  </xsl:template>

  <!-- The element's text, where the element stood: a paragraph in a flow of blocks, else an inline. -->
  <xsl:template name="t:fallback">
    <xsl:variable name="text" as="xs:string" select="normalize-space(string(.))"/>
    <xsl:variable name="block" as="xs:boolean">
      <xsl:try select="f:is-block(.)">
        <xsl:catch select="false()"/>
      </xsl:try>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="$block">
        <paragraph classes="render-error"><xsl:value-of select="$text"/></paragraph>
      </xsl:when>
      <xsl:otherwise>
        <inline classes="render-error"><xsl:value-of select="$text"/></inline>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
