<?xml version="1.0" encoding="UTF-8"?>
<!--
  Tables: table → docutils table (head → title, or a trailer when the source prints the
  caption below the table, leading role="label" rows → thead,
  the other rows → tbody, cell/@cols and @rows → morecols/morerows).
  Content of a table that is neither head nor row (a pb, a note) follows the table.
  The apparatus of the caption and of the cells stands under the table, never in a cell.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:f="urn:kirov-edition:function"
    xmlns:m="urn:kirov-edition:mode"
    xmlns:t="urn:kirov-edition:template"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all">

  <xsl:function name="f:span" as="xs:integer">
    <xsl:param name="value" as="attribute()?"/>
    <xsl:sequence select="max((xs:integer(($value[. castable as xs:integer], 1)[1]), 1))"/>
  </xsl:function>

  <xsl:function name="f:column-count" as="xs:integer">
    <xsl:param name="table" as="element(table)"/>
    <xsl:sequence select="max(($table/row ! sum(cell ! f:span(@cols)), 1))"/>
  </xsl:function>

  <xsl:template match="table" mode="m:docutils">
    <xsl:variable name="head" as="element()?" select="(head, trailer)[1]"/>
    <xsl:variable name="label-rows" as="element(row)*"
        select="row[@role = 'label'][empty(preceding-sibling::row[not(@role = 'label')])]"/>
    <xsl:variable name="body-rows" as="element(row)*" select="row except $label-rows"/>
    <table classes="{f:classes(., ('edition-table', 'caption-below'[$head/self::trailer]))}">
      <xsl:if test="@xml:id"><xsl:attribute name="ids" select="f:id(.)"/></xsl:if>
      <xsl:if test="$head">
        <title><xsl:apply-templates select="$head/node()" mode="m:docutils"/></title>
      </xsl:if>
      <tgroup cols="{f:column-count(.)}">
        <xsl:for-each select="1 to f:column-count(.)">
          <colspec colwidth="1"/>
        </xsl:for-each>
        <xsl:if test="exists($label-rows) and exists($body-rows)">
          <thead><xsl:apply-templates select="$label-rows" mode="m:docutils"/></thead>
        </xsl:if>
        <tbody>
          <xsl:apply-templates select="if (exists($body-rows)) then $body-rows else $label-rows"
              mode="m:docutils"/>
        </tbody>
      </tgroup>
    </table>
    <!-- One apparatus under the table: the caption's notes (their callouts stand in the
         title), then the cells' (their marks stay in the cells, see f:owner). -->
    <xsl:call-template name="t:apparatus">
      <xsl:with-param name="owner" select="$head, ."/>
    </xsl:call-template>
    <xsl:call-template name="t:flow">
      <xsl:with-param name="nodes" select="(node() except (row, $head)) | row/(node() except cell)"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="row" mode="m:docutils">
    <row>
      <xsl:if test="@xml:id"><xsl:attribute name="ids" select="f:id(.)"/></xsl:if>
      <xsl:apply-templates select="cell" mode="m:docutils"/>
    </row>
  </xsl:template>

  <xsl:template match="cell" mode="m:docutils">
    <entry>
      <xsl:if test="@xml:id"><xsl:attribute name="ids" select="f:id(.)"/></xsl:if>
      <xsl:if test="f:span(@cols) gt 1"><xsl:attribute name="morecols" select="f:span(@cols) - 1"/></xsl:if>
      <xsl:if test="f:span(@rows) gt 1"><xsl:attribute name="morerows" select="f:span(@rows) - 1"/></xsl:if>
      <xsl:if test="@role = 'label'"><xsl:attribute name="classes" select="'label'"/></xsl:if>
      <xsl:call-template name="t:flow">
        <xsl:with-param name="nodes" select="node()"/>
      </xsl:call-template>
    </entry>
  </xsl:template>

</xsl:stylesheet>
