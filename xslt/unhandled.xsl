<?xml version="1.0" encoding="UTF-8"?>
<!--
  Policy for elements without a rendering: render their content anyway, marked with
  the class "unhandled", and report them (code, element, path) with xsl:message so
  the build can warn with file:line. Nothing disappears silently.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:f="urn:kirov-edition:function"
    xmlns:m="urn:kirov-edition:mode"
    xmlns:t="urn:kirov-edition:template"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all">

  <xsl:template match="*" mode="m:docutils" priority="-10">
    <xsl:message select="string-join(('unhandled', name(), path(.),
                         'no rendering for &lt;' || name() || '&gt;; its content is shown as is'), '&#9;')"/>
    <xsl:choose>
      <xsl:when test="f:is-block(.)">
        <container classes="unhandled {f:id-safe(local-name())}">
          <xsl:call-template name="t:flow">
            <xsl:with-param name="nodes" select="node()"/>
          </xsl:call-template>
          <xsl:call-template name="t:apparatus"/>
        </container>
      </xsl:when>
      <xsl:otherwise>
        <inline classes="unhandled {f:id-safe(local-name())}">
          <xsl:apply-templates mode="m:docutils"/>
        </inline>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
