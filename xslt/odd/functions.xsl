<?xml version="1.0" encoding="UTF-8"?>
<!-- Typed functions of the ODD rendering: lookups in the ODD and in $usage, ids. -->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:o="urn:kirov-edition:odd"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all">

  <xsl:key name="o:element-spec" match="schemaSpec/elementSpec" use="@ident"/>
  <xsl:key name="o:usage" match="Q{}element" use="@ident"/>

  <!-- The section id of an element's entry, e.g. 'element-persName' (link target). -->
  <xsl:function name="o:element-id" as="xs:string">
    <xsl:param name="ident" as="xs:string"/>
    <xsl:sequence select="'element-' || $ident"/>
  </xsl:function>

  <!-- The elements a moduleRef or elementRef admits, in the ODD's order. -->
  <xsl:function name="o:admitted" as="xs:string*">
    <xsl:param name="ref" as="element()"/>
    <xsl:sequence select="if ($ref/self::elementRef) then string($ref/@key)
                          else tokenize(normalize-space($ref/@include))"/>
  </xsl:function>

  <!-- How the edition uses an element (an <element> of $usage), if it is used. -->
  <xsl:function name="o:usage" as="element()?">
    <xsl:param name="usage" as="document-node()?"/>
    <xsl:param name="ident" as="xs:string"/>
    <xsl:sequence select="if ($usage) then key('o:usage', $ident, $usage) else ()"/>
  </xsl:function>

  <!-- The attDef of attribute $att that applies to element $element: its own
       elementSpec's, else an attribute class's (classSpec) – the ODD states no others. -->
  <xsl:function name="o:att-def" as="element(attDef)?">
    <xsl:param name="schema" as="element(schemaSpec)"/>
    <xsl:param name="element" as="xs:string"/>
    <xsl:param name="att" as="xs:string"/>
    <xsl:sequence select="($schema/elementSpec[@ident eq $element]/attList/attDef[@ident eq $att],
                           $schema/classSpec/attList/attDef[@ident eq $att][not(@mode eq 'delete')])[1]"/>
  </xsl:function>

  <!-- "1 time", "12 times". -->
  <xsl:function name="o:times" as="xs:string">
    <xsl:param name="n" as="xs:integer"/>
    <xsl:sequence select="$n || (if ($n eq 1) then ' time' else ' times')"/>
  </xsl:function>

</xsl:stylesheet>
