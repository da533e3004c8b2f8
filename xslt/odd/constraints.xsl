<?xml version="1.0" encoding="UTF-8"?>
<!--
  The Schematron constraints: for each constraintSpec its rule id (what
  `edition validate` prints), its reason (desc), the elements it applies to, the
  message and the advice, with the values the validator fills in shown as
  placeholders.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:map="http://www.w3.org/2005/xpath-functions/map"
    xmlns:m="urn:kirov-edition:mode"
    xmlns:o="urn:kirov-edition:odd"
    xmlns:sch="http://purl.oclc.org/dsdl/schematron"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all">

  <!-- Placeholder names for the expressions the messages interpolate. -->
  <xsl:variable name="o:placeholders" as="map(xs:string, xs:string)" select="map {
      '/tei:TEI/@xml:id': 'key', 'name($bad[1])': 'attribute', '$bad[1]': 'value',
      '@n': 'n', '@cert': 'cert', '@xml:id': 'xml:id', 'normalize-space(.)': 'text',
      '$expected': 'expected number' }"/>

  <xsl:template match="constraintSpec[@scheme eq 'schematron']" mode="m:constraint">
    <xsl:variable name="pattern" as="element(sch:pattern)?" select="constraint/sch:pattern"/>
    <section ids="constraint-{@ident}">
      <title><literal><xsl:value-of select="@ident"/></literal></title>
      <paragraph>
        <strong>Why: </strong>
        <xsl:apply-templates select="desc/node()" mode="m:inline"/>
      </paragraph>
      <xsl:for-each select="$pattern/sch:rule">
        <paragraph>
          <strong>Checked on: </strong>
          <literal><xsl:value-of select="normalize-space(@context)"/></literal>
        </paragraph>
        <xsl:for-each select="sch:assert | sch:report">
          <paragraph>
            <strong>Message: </strong>
            <literal classes="message">
              <xsl:value-of select="'[' || @id || '] '"/>
              <xsl:apply-templates mode="m:message"/>
            </literal>
          </paragraph>
          <xsl:for-each select="tokenize(@diagnostics)">
            <paragraph>
              <strong>Advice: </strong>
              <literal classes="advice">
                <xsl:apply-templates select="key('o:diagnostic', ., root($pattern))/node()" mode="m:message"/>
              </literal>
            </paragraph>
          </xsl:for-each>
        </xsl:for-each>
      </xsl:for-each>
    </section>
  </xsl:template>

  <xsl:key name="o:diagnostic" match="sch:diagnostic" use="@id"/>

  <xsl:template match="text()" mode="m:message">
    <xsl:value-of select="replace(., '\s+', ' ')"/>
  </xsl:template>
  <!-- Messages are shown as the terminal prints them (a literal, so quotes stay straight);
       what the validator fills in is a {placeholder}, as in tei/ENCODING.md. -->
  <xsl:template match="sch:name" mode="m:message">{element}</xsl:template>
  <xsl:template match="sch:value-of" mode="m:message">
    <xsl:value-of select="'{' || ($o:placeholders(normalize-space(@select)), @select)[1] || '}'"/>
  </xsl:template>

</xsl:stylesheet>
