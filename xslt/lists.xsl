<?xml version="1.0" encoding="UTF-8"?>
<!--
  Lists: list → bullet_list (enumerated_list when numbered), item → list_item.
  A list's head becomes a paragraph before it. Anything else between items (a pb,
  a label, stray text) is kept, in the item it precedes, so nothing is lost.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:f="urn:kirov-edition:function"
    xmlns:m="urn:kirov-edition:mode"
    xmlns:t="urn:kirov-edition:template"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all">

  <xsl:function name="f:is-numbered" as="xs:boolean">
    <xsl:param name="list" as="element(list)"/>
    <xsl:sequence select="tokenize(string-join(($list/@type, $list/@rend), ' '))
                          = ('ordered', 'numbered', 'enumerated')"/>
  </xsl:function>

  <xsl:template match="list" mode="m:docutils">
    <xsl:variable name="heads" as="element(head)*" select="head"/>
    <xsl:variable name="list" as="element()">
      <xsl:element name="{if (f:is-numbered(.)) then 'enumerated_list' else 'bullet_list'}">
        <xsl:if test="f:is-numbered(.)">
          <xsl:attribute name="enumtype" select="'arabic'"/>
          <xsl:attribute name="prefix" select="''"/>
          <xsl:attribute name="suffix" select="'.'"/>
        </xsl:if>
        <xsl:attribute name="classes" select="f:classes(., 'list')"/>
        <xsl:if test="@xml:id and empty($heads)"><xsl:attribute name="ids" select="f:id(.)"/></xsl:if>
        <xsl:for-each-group select="node() except $heads" group-ending-with="item">
          <xsl:variable name="item" as="element(item)?" select="current-group()[self::item]"/>
          <xsl:choose>
            <xsl:when test="$item">
              <xsl:apply-templates select="$item" mode="m:docutils">
                <xsl:with-param name="leading" select="current-group() except $item"/>
              </xsl:apply-templates>
            </xsl:when>
            <xsl:when test="current-group()[self::* or normalize-space()]">
              <list_item classes="list-tail">
                <xsl:call-template name="t:flow">
                  <xsl:with-param name="nodes" select="current-group()"/>
                </xsl:call-template>
              </list_item>
            </xsl:when>
          </xsl:choose>
        </xsl:for-each-group>
      </xsl:element>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="exists($heads)">
        <container classes="list">
          <xsl:if test="@xml:id"><xsl:attribute name="ids" select="f:id(.)"/></xsl:if>
          <xsl:for-each select="$heads">
            <paragraph classes="{f:classes(., 'list-head')}">
              <xsl:apply-templates mode="m:docutils"/>
            </paragraph>
          </xsl:for-each>
          <xsl:sequence select="$list"/>
        </container>
      </xsl:when>
      <xsl:otherwise>
        <xsl:sequence select="$list"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="item" mode="m:docutils">
    <xsl:param name="leading" as="node()*" select="()"/>
    <list_item>
      <xsl:if test="@xml:id"><xsl:attribute name="ids" select="f:id(.)"/></xsl:if>
      <xsl:if test="@n"><xsl:attribute name="classes" select="'numbered'"/></xsl:if>
      <xsl:call-template name="t:flow">
        <xsl:with-param name="nodes" select="$leading, node()"/>
      </xsl:call-template>
      <xsl:call-template name="t:apparatus"/>
    </list_item>
  </xsl:template>

</xsl:stylesheet>
