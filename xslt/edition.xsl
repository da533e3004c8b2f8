<?xml version="1.0" encoding="UTF-8"?>
<!--
  The Kirov Edition: TEI P5 → Docutils XML.

  This driver only assembles. Each concern lives in its own module; every
  user-settable parameter is declared in params.xsl. The output is the
  vocabulary of docutils/nodes.py (document, section, paragraph, footnote,
  table, reference, inline, container …), never HTML: Sphinx renders it.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:m="urn:kirov-edition:mode"
    exclude-result-prefixes="#all">

  <xsl:include href="params.xsl"/>
  <xsl:include href="functions.xsl"/>
  <xsl:include href="blocks.xsl"/>
  <xsl:include href="structure.xsl"/>
  <xsl:include href="corpus.xsl"/>
  <xsl:include href="notes.xsl"/>
  <xsl:include href="lists.xsl"/>
  <xsl:include href="tables.xsl"/>
  <xsl:include href="figures.xsl"/>
  <xsl:include href="names.xsl"/>
  <xsl:include href="entries.xsl"/>
  <xsl:include href="pages.xsl"/>
  <xsl:include href="lines.xsl"/>
  <xsl:include href="readings.xsl"/>
  <xsl:include href="variants.xsl"/>
  <xsl:include href="inline.xsl"/>
  <xsl:include href="unhandled.xsl"/>
  <xsl:include href="recovery.xsl"/>

  <xsl:output method="xml" encoding="UTF-8" indent="no"/>
  <xsl:mode name="m:docutils" on-no-match="shallow-skip"/>
  <xsl:mode name="m:apparatus" on-no-match="shallow-skip"/>
  <xsl:mode name="m:entry" on-no-match="shallow-skip"/>
  <xsl:mode name="m:reading" on-no-match="shallow-skip"/>
  <xsl:mode name="m:corpus-header" on-no-match="shallow-skip"/>
  <xsl:mode name="m:entry-inline" on-no-match="shallow-skip"/>
  <xsl:mode on-no-match="shallow-skip" use-accumulators="#all"/>

  <xsl:template match="/">
    <document>
      <xsl:apply-templates select="*" mode="m:docutils"/>
    </document>
  </xsl:template>

</xsl:stylesheet>
