<?xml version="1.0" encoding="UTF-8"?>
<!--
  dc.xml of the library package: simple Dublin Core in the oai_dc container,
  made from the corpus header (edition-wide statements) and the members'
  headers (languages, keywords, sources, parts).

  Context item: tei/corpus.xml (as made by corpus.xsl). Parameters:
    $inventory  the payload inventory (see common.xsl)
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:km="urn:x-kirov-edition:metadata"
  xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  exclude-result-prefixes="xs tei km">

  <xsl:include href="common.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>

  <xsl:param name="inventory" as="document-node()" required="yes"/>

  <xsl:mode on-no-match="fail"/>

  <xsl:template match="/">
    <xsl:apply-templates select="tei:teiCorpus" mode="km:dc"/>
  </xsl:template>

  <xsl:template match="tei:teiCorpus" mode="km:dc">
    <xsl:variable name="header" select="tei:teiHeader" as="element(tei:teiHeader)"/>
    <xsl:variable name="members" select="km:members(root(.))/tei:TEI/tei:teiHeader" as="element(tei:teiHeader)*"/>
    <xsl:variable name="pub" select="$header/tei:fileDesc/tei:publicationStmt"/>
    <oai_dc:dc xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd">
      <dc:title><xsl:value-of select="km:text($header/tei:fileDesc/tei:titleStmt/tei:title[@type = 'main'])"/></dc:title>
      <xsl:for-each select="$header/tei:fileDesc/tei:titleStmt/tei:respStmt/(tei:orgName | tei:persName | tei:name)">
        <dc:creator><xsl:value-of select="km:text(.)"/></dc:creator>
      </xsl:for-each>
      <dc:publisher><xsl:value-of select="km:text($pub/tei:publisher)"/></dc:publisher>
      <xsl:for-each select="$pub/tei:date/@when">
        <dc:date><xsl:value-of select="."/></dc:date>
      </xsl:for-each>
      <!-- DCMI Type Vocabulary -->
      <dc:type>Text</dc:type>
      <xsl:for-each select="distinct-values($inventory/inventory/file/@path ! km:media-type(.))">
        <xsl:sort select="."/>
        <dc:format><xsl:value-of select="."/></dc:format>
      </xsl:for-each>
      <dc:identifier><xsl:value-of select="$pub/tei:idno[@type = 'edition']"/></dc:identifier>
      <xsl:for-each select="distinct-values($members/tei:profileDesc/tei:langUsage/tei:language/@ident)">
        <xsl:sort select="."/>
        <dc:language><xsl:value-of select="."/></dc:language>
      </xsl:for-each>
      <xsl:for-each select="$header/tei:encodingDesc/tei:projectDesc">
        <dc:description><xsl:value-of select="km:text(.)"/></dc:description>
      </xsl:for-each>
      <xsl:for-each select="distinct-values($members/tei:profileDesc/tei:textClass/tei:keywords/tei:term ! km:text(.))">
        <xsl:sort select="."/>
        <dc:subject><xsl:value-of select="."/></dc:subject>
      </xsl:for-each>
      <xsl:for-each select="$members/tei:fileDesc/tei:sourceDesc/tei:bibl">
        <dc:source><xsl:value-of select="km:text(.)"/></dc:source>
      </xsl:for-each>
      <xsl:for-each select="$members/tei:fileDesc/tei:publicationStmt/tei:idno[@type = 'edition']">
        <dc:relation><xsl:value-of select="'hasPart ' || km:text(.)"/></dc:relation>
      </xsl:for-each>
      <xsl:for-each select="$pub/tei:availability/tei:licence">
        <dc:rights><xsl:value-of select="@target"/></dc:rights>
        <dc:rights><xsl:value-of select="km:text(.)"/></dc:rights>
      </xsl:for-each>
    </oai_dc:dc>
  </xsl:template>

</xsl:stylesheet>
