<?xml version="1.0" encoding="UTF-8"?>
<!--
  The element reference: one section per module the ODD draws on, one section per
  admitted element with its description (elementSpec/desc), how often the edition
  uses it, its attributes with their closed value lists, and a real example from
  the edition's TEI with its file and line ($usage). Then the attribute rules that
  hold for every element (attribute classes).
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:map="http://www.w3.org/2005/xpath-functions/map"
    xmlns:m="urn:kirov-edition:mode"
    xmlns:o="urn:kirov-edition:odd"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all">

  <!-- Section titles of the TEI modules the ODD draws on. -->
  <xsl:variable name="o:module-titles" as="map(xs:string, xs:string)" select="map {
      'header': 'The TEI header', 'core': 'Core elements', 'textstructure': 'Text structure',
      'transcr': 'Transcription', 'namesdates': 'Names, registers and dates',
      'figures': 'Tables and figures', 'analysis': 'Characters',
      'tagdocs': 'Markup named in prose', 'linking': 'Linking (the synopsis)' }"/>

  <xsl:template match="schemaSpec" mode="m:reference">
    <xsl:apply-templates select="moduleRef[@include] | elementRef" mode="m:reference"/>
    <xsl:call-template name="o:global-attributes"/>
  </xsl:template>

  <xsl:template match="moduleRef | elementRef" mode="m:reference">
    <xsl:variable name="key" as="xs:string" select="string(@key)"/>
    <section ids="module-{$key}">
      <title>
        <xsl:value-of select="($o:module-titles($key), $key)[1]"/>
        <xsl:text> (module </xsl:text><literal><xsl:value-of select="$key"/></literal><xsl:text>)</xsl:text>
      </title>
      <xsl:variable name="schema" as="element(schemaSpec)" select=".."/>
      <xsl:for-each select="o:admitted(.)">
        <xsl:call-template name="o:element-entry">
          <xsl:with-param name="ident" select="."/>
          <xsl:with-param name="schema" select="$schema"/>
        </xsl:call-template>
      </xsl:for-each>
    </section>
  </xsl:template>

  <xsl:template name="o:element-entry">
    <xsl:param name="ident" as="xs:string" required="yes"/>
    <xsl:param name="schema" as="element(schemaSpec)" required="yes"/>
    <xsl:variable name="spec" as="element(elementSpec)?" select="key('o:element-spec', $ident, root($schema))"/>
    <xsl:variable name="used" as="element()?" select="o:usage($usage, $ident)"/>
    <section ids="{o:element-id($ident)}">
      <title><literal>&lt;<xsl:value-of select="$ident"/>&gt;</literal></title>
      <paragraph>
        <xsl:apply-templates select="$spec/desc/node()" mode="m:inline"/>
      </paragraph>
      <paragraph classes="usage">
        <xsl:choose>
          <xsl:when test="$used">
            <xsl:text>Used </xsl:text>
            <xsl:value-of select="o:times(xs:integer($used/@occurrences))"/>
            <xsl:text> in </xsl:text>
            <xsl:value-of select="$used/@files || (if ($used/@files eq '1') then ' file.' else ' files.')"/>
          </xsl:when>
          <xsl:otherwise>Admitted, but not used in the edition yet.</xsl:otherwise>
        </xsl:choose>
      </paragraph>
      <xsl:variable name="atts" as="xs:string*"
          select="distinct-values(($used/Q{}attribute/@ident,
                                   $spec/attList/attDef[not(@mode eq 'delete')]/@ident))"/>
      <xsl:if test="exists($atts)">
        <paragraph><strong>Attributes</strong></paragraph>
        <bullet_list classes="attributes">
          <xsl:for-each select="$atts">
            <xsl:call-template name="o:attribute">
              <xsl:with-param name="def" select="o:att-def($schema, $ident, .)"/>
              <xsl:with-param name="name" select="."/>
              <xsl:with-param name="count" select="$used/Q{}attribute[@ident eq current()]/@occurrences"/>
            </xsl:call-template>
          </xsl:for-each>
        </bullet_list>
      </xsl:if>
      <xsl:apply-templates select="$used/Q{}example" mode="m:reference"/>
    </section>
  </xsl:template>

  <xsl:template name="o:attribute">
    <xsl:param name="def" as="element(attDef)?" required="yes"/>
    <xsl:param name="name" as="xs:string" required="yes"/>
    <xsl:param name="count" as="attribute()?" required="yes"/>
    <list_item>
      <paragraph>
        <literal classes="att">@<xsl:value-of select="$name"/></literal>
        <xsl:variable name="notes" as="xs:string*"
            select="('required'[$def/@usage eq 'req'],
                     if ($count) then 'used ' || o:times(xs:integer($count)) else 'not used yet')"/>
        <xsl:value-of select="' (' || string-join($notes, ', ') || ')'"/>
        <xsl:if test="$def/desc">
          <xsl:text>: </xsl:text>
          <xsl:apply-templates select="$def/desc/node()" mode="m:inline"/>
        </xsl:if>
      </paragraph>
      <xsl:apply-templates select="$def/valList[@type eq 'closed']" mode="m:reference"/>
    </list_item>
  </xsl:template>

  <xsl:template match="valList" mode="m:reference">
    <paragraph>Closed list; only these values are valid:</paragraph>
    <bullet_list classes="values">
      <xsl:for-each select="valItem">
        <list_item>
          <paragraph>
            <literal classes="val"><xsl:value-of select="@ident"/></literal>
            <xsl:if test="desc">
              <xsl:text> – </xsl:text>
              <xsl:apply-templates select="desc/node()" mode="m:inline"/>
            </xsl:if>
          </paragraph>
        </list_item>
      </xsl:for-each>
    </bullet_list>
  </xsl:template>

  <!-- An occurrence from the edition's TEI: where it is, then the markup. -->
  <xsl:template match="Q{}example" mode="m:reference">
    <paragraph classes="example-source">
      <xsl:text>Example from </xsl:text>
      <literal><xsl:value-of select="@file"/></literal>
      <xsl:value-of select="', line ' || @line || ':'"/>
    </paragraph>
    <literal_block language="xml" classes="example"><xsl:value-of select="."/></literal_block>
  </xsl:template>

  <!-- What the attribute classes say: closed lists and deleted attributes, for all elements. -->
  <xsl:template name="o:global-attributes">
    <section ids="global-attributes">
      <title>Attributes of every element</title>
      <xsl:variable name="changed" as="element(attDef)*"
          select="classSpec/attList/attDef[not(@mode eq 'delete')]"/>
      <xsl:if test="exists($changed)">
        <bullet_list classes="attributes">
          <xsl:for-each select="$changed">
            <list_item>
              <paragraph>
                <literal classes="att">@<xsl:value-of select="@ident"/></literal>
                <xsl:if test="desc">
                  <xsl:text>: </xsl:text>
                  <xsl:apply-templates select="desc/node()" mode="m:inline"/>
                </xsl:if>
              </paragraph>
              <xsl:apply-templates select="valList[@type eq 'closed']" mode="m:reference"/>
            </list_item>
          </xsl:for-each>
        </bullet_list>
      </xsl:if>
      <paragraph>
        <xsl:text>Not used by the edition, and rejected by its schema so that a typo is caught: </xsl:text>
        <xsl:for-each select="classSpec/attList/attDef[@mode eq 'delete']">
          <xsl:if test="position() gt 1">, </xsl:if>
          <literal classes="att">@<xsl:value-of select="@ident"/></literal>
        </xsl:for-each>
        <xsl:text>.</xsl:text>
      </paragraph>
    </section>
  </xsl:template>

</xsl:stylesheet>
