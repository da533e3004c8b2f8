<?xml version="1.0" encoding="UTF-8"?>
<!--
  The Kirov Edition: the ODD (tei/schema/edition.odd) → Docutils XML, the
  "Encoding guidelines" page.

  This driver only assembles. The ODD's prose is rendered by prose.xsl, the
  element reference by elements.xsl, the Schematron constraints by
  constraints.xsl. How the edition uses each element (counts, attributes, one real
  example with its file and line) is not in the ODD: edition/sphinxext/guidelines.py
  passes it in the parameter $usage. The output is the vocabulary of
  docutils/nodes.py, never HTML.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:m="urn:kirov-edition:mode"
    exclude-result-prefixes="#all">

  <xsl:include href="functions.xsl"/>
  <xsl:include href="prose.xsl"/>
  <xsl:include href="elements.xsl"/>
  <xsl:include href="constraints.xsl"/>

  <!-- <usage><element ident occurrences files><attribute ident occurrences/>
       <example file line>text</example></element>…</usage>; empty: no usage shown. -->
  <xsl:param name="usage" as="document-node()?" select="()"/>

  <xsl:output method="xml" encoding="UTF-8" indent="no"/>
  <xsl:mode name="m:prose" on-no-match="shallow-skip"/>
  <xsl:mode name="m:inline" on-no-match="text-only-copy"/>
  <xsl:mode name="m:reference" on-no-match="shallow-skip"/>
  <xsl:mode name="m:constraint" on-no-match="shallow-skip"/>
  <xsl:mode name="m:message" on-no-match="text-only-copy"/>
  <xsl:mode on-no-match="shallow-skip"/>

  <xsl:template match="/">
    <document>
      <xsl:apply-templates select="/*:TEI/*:text/*:body/*:div" mode="m:prose"/>
    </document>
  </xsl:template>

</xsl:stylesheet>
