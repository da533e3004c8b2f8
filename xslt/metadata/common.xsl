<?xml version="1.0" encoding="UTF-8"?>
<!--
  Shared functions of the package metadata stylesheets (corpus, dc, datacite, mets).

  The descriptive metadata of the library package is made from the teiHeaders:
  the corpus file (tei/corpus.xml, made by corpus.xsl) carries the edition-wide
  statements, and its xi:include elements lead to the headers of the members.
  The payload inventory (file paths, sizes, SHA-512 checksums) is made by
  edition/package.py from the bag's manifest and passed as the parameter
  $inventory, so that every checksum written here is the manifest's own.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:xi="http://www.w3.org/2001/XInclude"
  xmlns:km="urn:x-kirov-edition:metadata"
  exclude-result-prefixes="#all">

  <!-- The members (TEI documents and registers) a corpus file includes, in its order. -->
  <xsl:function name="km:members" as="document-node()*">
    <xsl:param name="corpus" as="document-node()"/>
    <xsl:sequence select="$corpus/tei:teiCorpus/xi:include ! doc(resolve-uri(@href, base-uri(.)))"/>
  </xsl:function>

  <!-- Whitespace-normalised text of nodes (TEI whitespace is not significant). -->
  <xsl:function name="km:text" as="xs:string">
    <xsl:param name="nodes" as="node()*"/>
    <xsl:sequence select="normalize-space(string-join($nodes ! string(.), ' '))"/>
  </xsl:function>

  <!-- The one value all members state, or a stop: edition-wide statements must agree. -->
  <xsl:function name="km:agreed" as="xs:string">
    <xsl:param name="values" as="xs:string*"/>
    <xsl:param name="what" as="xs:string"/>
    <xsl:variable name="distinct" select="distinct-values($values ! normalize-space(.))" as="xs:string*"/>
    <xsl:if test="count($distinct) ne 1">
      <xsl:message terminate="yes" error-code="km:disagree"
        select="'The members'' headers must state one ' || $what || '; they state: '
                || (if (empty($distinct)) then 'nothing' else string-join($distinct, ' | '))"/>
    </xsl:if>
    <xsl:sequence select="$distinct"/>
  </xsl:function>

  <!-- The build date: SOURCE_DATE_EPOCH (seconds) as an xs:dateTime in UTC. -->
  <xsl:function name="km:epoch-datetime" as="xs:dateTime">
    <xsl:param name="epoch" as="xs:integer"/>
    <xsl:sequence select="xs:dateTime('1970-01-01T00:00:00Z') + $epoch * xs:dayTimeDuration('PT1S')"/>
  </xsl:function>

  <!-- The build date as YYYY-MM-DD (UTC). -->
  <xsl:function name="km:epoch-date" as="xs:string">
    <xsl:param name="epoch" as="xs:integer"/>
    <xsl:sequence select="format-dateTime(km:epoch-datetime($epoch), '[Y0001]-[M01]-[D01]')"/>
  </xsl:function>

  <!-- Internet media types by file extension: a fixed table, so that the result
       does not depend on the machine's mime.types. -->
  <xsl:variable name="km:media-types" as="map(xs:string, xs:string)" select="map {
      'html': 'text/html', 'htm': 'text/html', 'css': 'text/css', 'js': 'text/javascript',
      'json': 'application/json', 'txt': 'text/plain', 'md': 'text/markdown', 'rst': 'text/x-rst',
      'tsv': 'text/tab-separated-values', 'csv': 'text/csv',
      'xml': 'application/xml', 'xsl': 'application/xslt+xml', 'xslt': 'application/xslt+xml',
      'rng': 'application/xml', 'rnc': 'application/relax-ng-compact-syntax', 'odd': 'application/tei+xml',
      'sch': 'application/xml', 'xsd': 'application/xml',
      'epub': 'application/epub+zip', 'pdf': 'application/pdf', 'zip': 'application/zip',
      'png': 'image/png', 'jpg': 'image/jpeg', 'jpeg': 'image/jpeg', 'gif': 'image/gif', 'svg': 'image/svg+xml',
      'ico': 'image/vnd.microsoft.icon', 'woff': 'font/woff', 'woff2': 'font/woff2', 'ttf': 'font/ttf',
      'inv': 'application/octet-stream' }"/>

  <xsl:function name="km:media-type" as="xs:string">
    <xsl:param name="path" as="xs:string"/>
    <xsl:variable name="ext" select="if (matches($path, '\.[^./]+$')) then lower-case(replace($path, '^.*\.([^./]+)$', '$1')) else ''" as="xs:string"/>
    <xsl:sequence select="($km:media-types($ext), 'application/octet-stream')[1]"/>
  </xsl:function>

  <!-- A relative path as a URI reference (spaces and non-ASCII escaped). -->
  <xsl:function name="km:href" as="xs:string">
    <xsl:param name="path" as="xs:string"/>
    <xsl:sequence select="string-join(tokenize($path, '/') ! encode-for-uri(.), '/')"/>
  </xsl:function>

  <!-- Licences the edition may use, by URL: SPDX identifier and name. -->
  <xsl:variable name="km:licences" as="map(xs:string, map(xs:string, xs:string))" select="map {
      'https://creativecommons.org/licenses/by/4.0/':
        map { 'spdx': 'CC-BY-4.0', 'name': 'Creative Commons Attribution 4.0 International' },
      'https://creativecommons.org/licenses/by-sa/4.0/':
        map { 'spdx': 'CC-BY-SA-4.0', 'name': 'Creative Commons Attribution Share Alike 4.0 International' },
      'https://creativecommons.org/publicdomain/zero/1.0/':
        map { 'spdx': 'CC0-1.0', 'name': 'Creative Commons Zero v1.0 Universal' } }"/>

</xsl:stylesheet>
