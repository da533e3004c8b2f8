<?xml version="1.0" encoding="UTF-8"?>
<!--
  tei/corpus.xml of the library package: a teiCorpus with its own teiHeader
  that includes every TEI document and register by xi:include.

  Why xi:include and not copies: the members stay the single master of their
  text (a copy would be a second version of each file in the same bag that a
  reader must trust to be identical), the bag does not carry the edition twice,
  and resolving the includes (XInclude processing, e.g. lxml's xinclude()) gives a
  complete teiCorpus that is valid TEI, in which every #id of the edition resolves.

  The corpus header states only what the members' headers agree on (publisher,
  licence, responsibility); a disagreement stops the package (km:agreed).

  Run with the initial template; parameters:
    $members  the members' file names, relative to $base, space-separated, in order
    $base     URI of the directory that holds them (used to read them only; never written)
    $epoch    SOURCE_DATE_EPOCH, the date of the corpus file's revision entry
    $version  the edition's version
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:xi="http://www.w3.org/2001/XInclude"
  xmlns:km="urn:x-kirov-edition:metadata"
  xmlns="http://www.tei-c.org/ns/1.0"
  exclude-result-prefixes="#all">

  <xsl:include href="common.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>

  <xsl:param name="members" as="xs:string" required="yes"/>
  <xsl:param name="base" as="xs:string" required="yes"/>
  <xsl:param name="epoch" as="xs:integer" required="yes"/>
  <xsl:param name="version" as="xs:string" required="yes"/>

  <xsl:variable name="hrefs" select="tokenize($members)" as="xs:string*"/>
  <xsl:variable name="docs" select="$hrefs ! doc(resolve-uri(., $base))" as="document-node()*"/>
  <xsl:variable name="headers" select="$docs/tei:TEI/tei:teiHeader" as="element(tei:teiHeader)*"/>

  <xsl:template name="xsl:initial-template">
    <xsl:if test="count($headers) ne count($hrefs)">
      <xsl:message terminate="yes" error-code="km:not-tei"
        select="'Every corpus member must be a TEI document with a teiHeader: ' || $members"/>
    </xsl:if>
    <xsl:comment> The edition's corpus. Resolve its xi:include elements (XInclude processing, e.g. with
     xmllint's xinclude option) to read it as one document: the result is a valid TEI teiCorpus. </xsl:comment>
    <teiCorpus xml:id="corpus" n="corpus" xml:lang="en">
      <xsl:namespace name="xi" select="'http://www.w3.org/2001/XInclude'"/>
      <xsl:call-template name="km:corpus-header"/>
      <xsl:for-each select="$hrefs">
        <xi:include href="{.}"/>
      </xsl:for-each>
    </teiCorpus>
  </xsl:template>

  <xsl:template name="km:corpus-header">
    <xsl:variable name="edition-title" select="km:agreed($headers/tei:fileDesc/tei:titleStmt/tei:title[@type = 'sub'], 'edition title (title[@type=''sub''])')"/>
    <xsl:variable name="licence-url" select="km:agreed($headers/tei:fileDesc/tei:publicationStmt/tei:availability/tei:licence/@target, 'licence')"/>
    <teiHeader>
      <fileDesc>
        <titleStmt>
          <title type="main"><xsl:value-of select="$edition-title"/></title>
          <title type="sub">Corpus of the documents and registers</title>
          <respStmt xml:id="corpus-ed">
            <resp><xsl:value-of select="km:agreed($headers/tei:fileDesc/tei:titleStmt/tei:respStmt/tei:resp, 'responsibility')"/></resp>
            <orgName><xsl:value-of select="km:agreed($headers/tei:fileDesc/tei:titleStmt/tei:respStmt/tei:orgName, 'editorial team')"/></orgName>
          </respStmt>
        </titleStmt>
        <editionStmt>
          <edition n="{$version}">Version <xsl:value-of select="$version"/></edition>
        </editionStmt>
        <publicationStmt>
          <publisher><xsl:value-of select="km:agreed($headers/tei:fileDesc/tei:publicationStmt/tei:publisher, 'publisher')"/></publisher>
          <!-- The corpus is published when its latest member is. -->
          <xsl:variable name="published" select="max($headers/tei:fileDesc/tei:publicationStmt/tei:date/@when ! xs:date(.))" as="xs:date?"/>
          <xsl:if test="exists($published)">
            <date when="{$published}"><xsl:value-of select="$published"/></date>
          </xsl:if>
          <idno type="edition">kirov-edition:corpus</idno>
          <xsl:apply-templates mode="km:copy"
            select="($headers/tei:fileDesc/tei:publicationStmt/tei:availability[tei:licence/@target = $licence-url])[1]"/>
        </publicationStmt>
        <sourceDesc>
          <listBibl>
            <head>The documents and registers included in this corpus</head>
            <xsl:for-each select="$headers">
              <xsl:variable name="i" select="position()"/>
              <bibl>
                <title><xsl:value-of select="km:text(tei:fileDesc/tei:titleStmt/tei:title[@type = 'main'][1])"/></title>
                <xsl:for-each select="tei:fileDesc/tei:publicationStmt/tei:idno">
                  <idno type="{@type}"><xsl:value-of select="."/></idno>
                </xsl:for-each>
                <ref target="{$hrefs[$i]}"><xsl:value-of select="$hrefs[$i]"/></ref>
              </bibl>
            </xsl:for-each>
          </listBibl>
        </sourceDesc>
      </fileDesc>
      <xsl:if test="$headers/tei:encodingDesc/tei:projectDesc">
        <encodingDesc>
          <xsl:apply-templates select="($headers/tei:encodingDesc/tei:projectDesc)[1]" mode="km:copy"/>
        </encodingDesc>
      </xsl:if>
      <revisionDesc>
        <change when="{km:epoch-date($epoch)}" who="#corpus-ed">Corpus file generated for the library package of version <xsl:value-of select="$version"/>.</change>
      </revisionDesc>
    </teiHeader>
  </xsl:template>

  <!-- Copy header parts into the corpus header without their ids: ids are
       unique across the edition, and the original stays in the member. -->
  <xsl:mode name="km:copy" on-no-match="shallow-copy"/>
  <xsl:template match="@xml:id" mode="km:copy"/>

</xsl:stylesheet>
