<?xml version="1.0" encoding="UTF-8"?>
<!--
  teiCorpus: a section titled by the corpus header, a summary of that header, and its
  members. A member given inline renders as a section of the page; a member included
  with xi:include (as edition render writes a corpus, one page per member) is a link to
  its own page, named by its xi:fallback (the member's title).
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:xi="http://www.w3.org/2001/XInclude"
    xmlns:f="urn:kirov-edition:function"
    xmlns:m="urn:kirov-edition:mode"
    xmlns:t="urn:kirov-edition:template"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all">

  <xsl:template match="teiCorpus" mode="m:docutils">
    <xsl:variable name="members" as="element()*" select="TEI | teiCorpus | xi:include"/>
    <section ids="{f:key(.)}" classes="tei-corpus {$reading}">
      <title><xsl:value-of select="if (teiHeader//title[normalize-space()]) then f:doc-title(.) else 'Corpus'"/></title>
      <xsl:apply-templates select="teiHeader/fileDesc/(titleStmt, editionStmt, publicationStmt, sourceDesc)"
          mode="m:corpus-header"/>
      <paragraph classes="corpus-count">
        <xsl:value-of select="count($members)"/>
        <xsl:text> text</xsl:text><xsl:if test="count($members) ne 1">s</xsl:if>
        <xsl:text> in this corpus.</xsl:text>
      </paragraph>
      <xsl:if test="xi:include">
        <enumerated_list enumtype="arabic" prefix="" suffix="." classes="corpus-members">
          <xsl:for-each select="xi:include">
            <list_item><paragraph>
              <reference refuri="{replace(normalize-space(@href), '\.xml$', '.html')}" classes="corpus-member">
                <xsl:value-of select="(normalize-space(xi:fallback)[. ne ''], @href)[1]"/>
              </reference>
            </paragraph></list_item>
          </xsl:for-each>
        </enumerated_list>
      </xsl:if>
      <xsl:call-template name="t:flow">
        <xsl:with-param name="nodes" select="node() except (teiHeader | xi:include)"/>
      </xsl:call-template>
    </section>
  </xsl:template>

  <!-- One paragraph per part of the corpus header: what it is called, who made it, where from. -->
  <xsl:template match="*" mode="m:corpus-header">
    <xsl:if test="normalize-space()">
      <paragraph classes="corpus-header {lower-case(local-name())}">
        <strong><xsl:value-of select="map {'titleStmt': 'Title', 'editionStmt': 'Edition',
            'publicationStmt': 'Publication', 'sourceDesc': 'Source'}(local-name())"/>: </strong>
        <xsl:apply-templates mode="m:entry-inline"/>
      </paragraph>
    </xsl:if>
  </xsl:template>

</xsl:stylesheet>
