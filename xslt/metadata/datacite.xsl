<?xml version="1.0" encoding="UTF-8"?>
<!--
  datacite.xml of the library package: DataCite Metadata Schema 4 (kernel-4)
  made from the corpus header and the members' headers.

  The edition has no DOI yet: the identifier is the edition's own
  (kirov-edition:corpus, identifierType "Local"); a repository that mints a DOI
  replaces it. Context item: tei/corpus.xml. Parameters:
    $inventory  the payload inventory (see common.xsl)
    $epoch      SOURCE_DATE_EPOCH: the "Updated" date
    $version    the edition's version
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:km="urn:x-kirov-edition:metadata"
  xmlns="http://datacite.org/schema/kernel-4"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  exclude-result-prefixes="#all">

  <xsl:include href="common.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>

  <xsl:param name="inventory" as="document-node()" required="yes"/>
  <xsl:param name="epoch" as="xs:integer" required="yes"/>
  <xsl:param name="version" as="xs:string" required="yes"/>

  <xsl:mode on-no-match="fail"/>

  <xsl:template match="/">
    <xsl:apply-templates select="tei:teiCorpus" mode="km:datacite"/>
  </xsl:template>

  <xsl:template match="tei:teiCorpus" mode="km:datacite">
    <xsl:variable name="header" select="tei:teiHeader" as="element(tei:teiHeader)"/>
    <xsl:variable name="members" select="km:members(root(.))/tei:TEI/tei:teiHeader" as="element(tei:teiHeader)*"/>
    <xsl:variable name="pub" select="$header/tei:fileDesc/tei:publicationStmt"/>
    <xsl:variable name="published" select="$pub/tei:date/@when" as="attribute()?"/>
    <resource xsi:schemaLocation="http://datacite.org/schema/kernel-4 https://schema.datacite.org/meta/kernel-4/metadata.xsd">
      <identifier identifierType="Local"><xsl:value-of select="$pub/tei:idno[@type = 'edition']"/></identifier>
      <creators>
        <xsl:for-each select="$header/tei:fileDesc/tei:titleStmt/tei:respStmt/tei:orgName">
          <creator><creatorName nameType="Organizational"><xsl:value-of select="km:text(.)"/></creatorName></creator>
        </xsl:for-each>
        <xsl:for-each select="$header/tei:fileDesc/tei:titleStmt/tei:respStmt/tei:persName">
          <creator><creatorName nameType="Personal"><xsl:value-of select="km:text(.)"/></creatorName></creator>
        </xsl:for-each>
      </creators>
      <titles>
        <title xml:lang="en"><xsl:value-of select="km:text($header/tei:fileDesc/tei:titleStmt/tei:title[@type = 'main'])"/></title>
        <xsl:for-each select="$header/tei:fileDesc/tei:titleStmt/tei:title[@type = 'sub']">
          <title xml:lang="en" titleType="Subtitle"><xsl:value-of select="km:text(.)"/></title>
        </xsl:for-each>
      </titles>
      <publisher xml:lang="en"><xsl:value-of select="km:text($pub/tei:publisher)"/></publisher>
      <publicationYear>
        <xsl:value-of select="if ($published) then year-from-date(xs:date($published))
                              else year-from-dateTime(km:epoch-datetime($epoch))"/>
      </publicationYear>
      <resourceType resourceTypeGeneral="Text">Digital scholarly edition (TEI P5)</resourceType>
      <xsl:variable name="keywords" select="distinct-values($members/tei:profileDesc/tei:textClass/tei:keywords/tei:term ! km:text(.))"/>
      <xsl:if test="exists($keywords)">
        <subjects>
          <xsl:for-each select="$keywords">
            <xsl:sort select="."/>
            <subject xml:lang="en"><xsl:value-of select="."/></subject>
          </xsl:for-each>
        </subjects>
      </xsl:if>
      <dates>
        <xsl:if test="$published"><date dateType="Issued"><xsl:value-of select="$published"/></date></xsl:if>
        <date dateType="Updated"><xsl:value-of select="km:epoch-date($epoch)"/></date>
      </dates>
      <language><xsl:value-of select="(@xml:lang, 'en')[1]"/></language>
      <xsl:variable name="parts" select="$members/tei:fileDesc/tei:publicationStmt/tei:idno[@type = 'edition']"/>
      <xsl:if test="exists($parts)">
        <alternateIdentifiers>
          <xsl:for-each select="$parts">
            <alternateIdentifier alternateIdentifierType="Local (part)"><xsl:value-of select="km:text(.)"/></alternateIdentifier>
          </xsl:for-each>
        </alternateIdentifiers>
      </xsl:if>
      <sizes>
        <size><xsl:value-of select="count($inventory/inventory/file)"/> files</size>
        <size><xsl:value-of select="sum($inventory/inventory/file/@size ! xs:integer(.))"/> bytes</size>
      </sizes>
      <formats>
        <xsl:for-each select="distinct-values($inventory/inventory/file/@path ! km:media-type(.))">
          <xsl:sort select="."/>
          <format><xsl:value-of select="."/></format>
        </xsl:for-each>
      </formats>
      <version><xsl:value-of select="$version"/></version>
      <rightsList>
        <xsl:for-each select="$pub/tei:availability/tei:licence">
          <xsl:variable name="known" select="$km:licences(string(@target))" as="map(*)?"/>
          <rights xml:lang="en" rightsURI="{@target}">
            <xsl:if test="exists($known)">
              <xsl:attribute name="rightsIdentifier" select="$known?spdx"/>
              <xsl:attribute name="rightsIdentifierScheme" select="'SPDX'"/>
              <xsl:attribute name="schemeURI" select="'https://spdx.org/licenses/'"/>
            </xsl:if>
            <xsl:value-of select="($known?name, km:text(.))[1]"/>
          </rights>
        </xsl:for-each>
      </rightsList>
      <descriptions>
        <xsl:for-each select="$header/tei:encodingDesc/tei:projectDesc">
          <description xml:lang="en" descriptionType="Abstract"><xsl:value-of select="km:text(.)"/></description>
        </xsl:for-each>
        <description xml:lang="en" descriptionType="TableOfContents">
          <xsl:value-of select="string-join($members ! (km:text(tei:fileDesc/tei:titleStmt/tei:title[@type = 'main'][1])
                                || ' (' || km:text(tei:fileDesc/tei:publicationStmt/tei:idno[@type = 'edition']) || ')'), '; ')"/>
        </description>
        <xsl:for-each select="$pub/tei:availability/tei:licence">
          <description xml:lang="en" descriptionType="Other"><xsl:value-of select="km:text(.)"/></description>
        </xsl:for-each>
        <description xml:lang="en" descriptionType="TechnicalInfo">
          <xsl:value-of select="normalize-space('A BagIt bag (RFC 8493). The payload holds the TEI P5
          documents and registers with their schema, the XSLT that renders them, and the published outputs (HTML site,
          and EPUB and PDF where they were built); tei/corpus.xml includes every TEI file. mets.xml lists every payload
          file with its SHA-512 checksum; PROVENANCE records the tools and the commit.')"/>
        </description>
      </descriptions>
    </resource>
  </xsl:template>

</xsl:stylesheet>
