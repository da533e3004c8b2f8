<?xml version="1.0" encoding="UTF-8"?>
<!--
  The ODD's own prose: its divisions become sections, its paragraphs and gloss
  lists docutils paragraphs and definition lists, the tag-documentation elements
  (gi, att, val, tag, code) literals. The division typed 'elements' is followed
  by the element reference, the one typed 'constraints' by the constraints.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:m="urn:kirov-edition:mode"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all">

  <xsl:template match="div" mode="m:prose">
    <section ids="{(@type, 'odd-' || count(preceding-sibling::div))[1]}">
      <title><xsl:apply-templates select="head/node()" mode="m:inline"/></title>
      <xsl:apply-templates select="* except head" mode="m:prose"/>
      <xsl:if test="@type eq 'elements'">
        <xsl:apply-templates select="../schemaSpec" mode="m:reference"/>
      </xsl:if>
      <xsl:if test="@type eq 'constraints'">
        <xsl:apply-templates select="../schemaSpec/constraintSpec" mode="m:constraint"/>
      </xsl:if>
    </section>
  </xsl:template>

  <xsl:template match="p" mode="m:prose">
    <paragraph><xsl:apply-templates mode="m:inline"/></paragraph>
  </xsl:template>

  <xsl:template match="list[@type eq 'gloss']" mode="m:prose">
    <definition_list>
      <xsl:for-each select="label">
        <definition_list_item>
          <term><xsl:apply-templates mode="m:inline"/></term>
          <definition>
            <paragraph>
              <xsl:apply-templates select="following-sibling::item[1]/node()" mode="m:inline"/>
            </paragraph>
          </definition>
        </definition_list_item>
      </xsl:for-each>
    </definition_list>
  </xsl:template>

  <!-- Inline: whitespace folded as in any TEI prose; markup names as literals. -->
  <xsl:template match="text()" mode="m:inline">
    <xsl:value-of select="replace(., '\s+', ' ')"/>
  </xsl:template>
  <xsl:template match="gi" mode="m:inline">
    <literal classes="gi">&lt;<xsl:value-of select="."/>&gt;</literal>
  </xsl:template>
  <xsl:template match="tag" mode="m:inline">
    <literal classes="tag">&lt;<xsl:value-of select="normalize-space(.)"/>&gt;</literal>
  </xsl:template>
  <xsl:template match="att" mode="m:inline">
    <literal classes="att">@<xsl:value-of select="."/></literal>
  </xsl:template>
  <xsl:template match="val" mode="m:inline">
    <literal classes="val">"<xsl:value-of select="."/>"</literal>
  </xsl:template>
  <xsl:template match="code" mode="m:inline">
    <literal><xsl:value-of select="normalize-space(.)"/></literal>
  </xsl:template>
  <!-- The ODD's links are relative to the repository, not to the site: the text stays. -->
  <xsl:template match="ref" mode="m:inline">
    <xsl:apply-templates mode="m:inline"/>
  </xsl:template>

</xsl:stylesheet>
