<?xml version="1.0" encoding="UTF-8"?>
<!--
  mets.xml of the library package: ties every payload file to its metadata.

  - dmdSec: the package's Dublin Core (dc.xml) and DataCite (datacite.xml)
    records, and the teiHeader of the corpus and of each member (MDTYPE TEIHDR);
  - amdSec: the PROVENANCE tag file (digital provenance);
  - fileSec: one fileGrp per kind of payload (site, epub, pdf, tei, schema,
    sources, xslt), one file per payload file with SIZE, MIMETYPE and the
    SHA-512 checksum of the bag's manifest; a TEI file points at its own header;
  - structMap: the edition, divided by those kinds.

  All locations are relative to the bag's top directory, where mets.xml lies.
  Context item: tei/corpus.xml. Parameters:
    $inventory  the payload inventory (see common.xsl), in manifest order
    $epoch      SOURCE_DATE_EPOCH: CREATEDATE
    $version    the edition's version
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:xi="http://www.w3.org/2001/XInclude"
  xmlns:km="urn:x-kirov-edition:metadata"
  xmlns:mets="http://www.loc.gov/METS/"
  xmlns:xlink="http://www.w3.org/1999/xlink"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  exclude-result-prefixes="xs map tei xi km">

  <xsl:include href="common.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>

  <xsl:param name="inventory" as="document-node()" required="yes"/>
  <xsl:param name="epoch" as="xs:integer" required="yes"/>
  <xsl:param name="version" as="xs:string" required="yes"/>

  <!-- Where the corpus lies in the bag: its includes are relative to it. -->
  <xsl:variable name="tei-dir" select="'data/tei/'" as="xs:string"/>
  <xsl:variable name="corpus-path" select="$tei-dir || 'corpus.xml'" as="xs:string"/>
  <xsl:variable name="header-xptr"
    select="'xmlns(tei=http://www.tei-c.org/ns/1.0)xpointer(/tei:*/tei:teiHeader)'" as="xs:string"/>

  <xsl:mode on-no-match="fail"/>

  <xsl:template match="/">
    <xsl:apply-templates select="tei:teiCorpus" mode="km:mets"/>
  </xsl:template>

  <xsl:template match="tei:teiCorpus" mode="km:mets">
    <xsl:variable name="header" select="tei:teiHeader" as="element(tei:teiHeader)"/>
    <xsl:variable name="title" select="km:text($header/tei:fileDesc/tei:titleStmt/tei:title[@type = 'main'])"/>
    <!-- payload path of each member -> the ID of its header's dmdSec -->
    <xsl:variable name="member-dmd" as="map(xs:string, xs:string)" select="map:merge(
        for $i in xi:include return map { $tei-dir || $i/@href : km:member-dmd-id($i) })"/>
    <xsl:variable name="files" select="$inventory/inventory/file" as="element(file)*"/>
    <xsl:variable name="missing" select="map:keys($member-dmd)[not(. = $files/@path)], $corpus-path[not(. = $files/@path)]"/>
    <xsl:if test="exists($missing)">
      <xsl:message terminate="yes" error-code="km:inventory"
        select="'TEI files missing from the payload inventory: ' || string-join($missing, ', ')"/>
    </xsl:if>
    <mets:mets OBJID="{$header/tei:fileDesc/tei:publicationStmt/tei:idno[@type = 'edition']}" LABEL="{$title}"
      TYPE="digital scholarly edition"
      xsi:schemaLocation="http://www.loc.gov/METS/ http://www.loc.gov/standards/mets/mets.xsd">
      <mets:metsHdr CREATEDATE="{km:epoch-datetime($epoch)}" RECORDSTATUS="complete">
        <mets:agent ROLE="CREATOR" TYPE="ORGANIZATION">
          <mets:name><xsl:value-of select="km:text($header/tei:fileDesc/tei:publicationStmt/tei:publisher)"/></mets:name>
          <mets:note><xsl:value-of select="'Library package of version ' || $version"/></mets:note>
        </mets:agent>
      </mets:metsHdr>
      <mets:dmdSec ID="dmd-dc">
        <mets:mdRef LOCTYPE="URL" xlink:href="dc.xml" MDTYPE="DC" MIMETYPE="text/xml" LABEL="Dublin Core (oai_dc)"/>
      </mets:dmdSec>
      <mets:dmdSec ID="dmd-datacite">
        <mets:mdRef LOCTYPE="URL" xlink:href="datacite.xml" MDTYPE="OTHER" OTHERMDTYPE="DataCite"
          MDTYPEVERSION="4" MIMETYPE="text/xml" LABEL="DataCite Metadata Schema 4"/>
      </mets:dmdSec>
      <mets:dmdSec ID="dmd-corpus">
        <mets:mdRef LOCTYPE="URL" xlink:href="{km:href($corpus-path)}" XPTR="{$header-xptr}" MDTYPE="TEIHDR"
          MIMETYPE="application/tei+xml" LABEL="{'teiHeader of ' || $title}"/>
      </mets:dmdSec>
      <xsl:apply-templates select="xi:include" mode="km:mets-dmd"/>
      <mets:amdSec ID="amd">
        <mets:digiprovMD ID="provenance">
          <mets:mdRef LOCTYPE="URL" xlink:href="PROVENANCE" MDTYPE="OTHER" OTHERMDTYPE="PROVENANCE"
            MIMETYPE="text/plain" LABEL="Tools, commit, build command and SOURCE_DATE_EPOCH"/>
        </mets:digiprovMD>
      </mets:amdSec>
      <mets:fileSec>
        <xsl:for-each-group select="$files" group-by="@use">
          <mets:fileGrp ID="grp-{current-grouping-key()}" USE="{current-grouping-key()}">
            <xsl:apply-templates select="current-group()" mode="km:mets-file">
              <xsl:with-param name="member-dmd" select="$member-dmd" tunnel="yes"/>
            </xsl:apply-templates>
          </mets:fileGrp>
        </xsl:for-each-group>
      </mets:fileSec>
      <mets:structMap TYPE="logical">
        <mets:div TYPE="edition" LABEL="{$title}" DMDID="dmd-dc dmd-datacite dmd-corpus" ADMID="provenance">
          <xsl:for-each-group select="$files" group-by="@use">
            <mets:div TYPE="{current-grouping-key()}">
              <xsl:for-each select="current-group()">
                <mets:fptr FILEID="{km:file-id(.)}"/>
              </xsl:for-each>
            </mets:div>
          </xsl:for-each-group>
        </mets:div>
      </mets:structMap>
    </mets:mets>
  </xsl:template>

  <!-- The dmdSec of one member's teiHeader. -->
  <xsl:template match="xi:include" mode="km:mets-dmd">
    <xsl:variable name="member" select="doc(resolve-uri(@href, base-uri(.)))/tei:TEI"/>
    <mets:dmdSec ID="{km:member-dmd-id(.)}">
      <mets:mdRef LOCTYPE="URL" xlink:href="{km:href($tei-dir || @href)}" XPTR="{$header-xptr}" MDTYPE="TEIHDR"
        MIMETYPE="application/tei+xml"
        LABEL="{'teiHeader of ' || km:text($member/tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title[@type = 'main'][1])}"/>
    </mets:dmdSec>
  </xsl:template>

  <!-- One payload file: its checksum is the manifest's. -->
  <xsl:template match="file" mode="km:mets-file">
    <xsl:param name="member-dmd" as="map(xs:string, xs:string)" tunnel="yes"/>
    <xsl:variable name="own-header" as="xs:string?"
      select="if (@path = $corpus-path) then 'dmd-corpus' else $member-dmd(string(@path))"/>
    <mets:file ID="{km:file-id(.)}" MIMETYPE="{km:media-type(@path)}" SIZE="{@size}"
      CHECKSUM="{@sha512}" CHECKSUMTYPE="SHA-512"
      DMDID="{string-join(('dmd-dc', 'dmd-datacite', $own-header), ' ')}" ADMID="provenance">
      <mets:FLocat LOCTYPE="URL" xlink:href="{km:href(@path)}"/>
    </mets:file>
  </xsl:template>

  <!-- IDs: numbered in manifest order (deterministic for a given payload). -->
  <xsl:function name="km:file-id" as="xs:string">
    <xsl:param name="file" as="element(file)"/>
    <xsl:sequence select="'file-' || format-integer(count($file/preceding-sibling::file) + 1, '00001')"/>
  </xsl:function>

  <xsl:function name="km:member-dmd-id" as="xs:string">
    <xsl:param name="include" as="element(xi:include)"/>
    <xsl:sequence select="'dmd-tei-' || format-integer(count($include/preceding-sibling::xi:include) + 1, '01')"/>
  </xsl:function>

</xsl:stylesheet>
