<?xml version="1.0" encoding="UTF-8"?>
<!--
  Names and dates. A name that points into a register becomes a reference to the
  register entry, e.g. reference refuri="persons.html#stalin" classes="persname",
  with register/key attributes that the Sphinx extension uses to collect mentions
  and to rewrite the link for each builder. A date keeps its ISO value(s) as
  attributes for the chronology.

  A footnote's citation, ref type="bibl" target="#bib-getty1999", points into the
  bibliography register in the same way (register="bibliography"). A name inside it
  (the author, a name in the title) cannot be a link inside a link: it keeps its
  register/key attributes, so it still counts as a mention, but it is an inline.

  An identification by the editors: a passage that describes a person without
  naming him carries corresp="#zinoviev" cert resp, and an editorial note at its
  start names him (persName ref="#zinoviev"). That name's reference also gets
  identifies="{id of the passage}" and cert, so the register lists the passage
  itself as an identified mention.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:f="urn:kirov-edition:function"
    xmlns:m="urn:kirov-edition:mode"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all">

  <!-- Which register a name belongs to: persons, places or orgs; empty for none. -->
  <xsl:function name="f:register" as="xs:string?">
    <xsl:param name="name" as="element()"/>
    <xsl:variable name="kind" as="xs:string"
        select="if (local-name($name) = ('rs', 'name')) then string($name/@type) else local-name($name)"/>
    <xsl:sequence select="map {'persName': 'persons', 'person': 'persons',
                               'placeName': 'places', 'place': 'places',
                               'orgName': 'orgs', 'org': 'orgs'}($kind)"/>
  </xsl:function>

  <!-- The passage an editorial note's name identifies, if the name is the note's first
       name of the entry its parent passage corresponds to (corresp). -->
  <xsl:function name="f:identified-passage" as="element()?">
    <xsl:param name="name" as="element()"/>
    <xsl:param name="key" as="xs:string"/>
    <xsl:variable name="note" as="element(note)?" select="$name/ancestor::note[@type = 'editorial'][1]"/>
    <xsl:variable name="passage" as="element()?"
        select="$note/parent::*[tokenize(normalize-space(@corresp)) ! f:bare-id(.) = $key]"/>
    <xsl:sequence select="$passage[$name is ($note//*[f:register(.)][(@ref, @key)[1] ! f:bare-id(.) = $key])[1]]"/>
  </xsl:function>

  <!-- Does this name become a link to its register entry? Not inside a citation's link, and
       not when it holds an emendation: the emendation's mark and callout are links of their
       own, and the apparatus matters more than the name's link (the mention still counts). -->
  <xsl:function name="f:name-links" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="local-name($e) = ('persName', 'placeName', 'orgName', 'rs', 'name')
        and exists(f:register($e)) and exists(($e/@ref, $e/@key)[normalize-space()])
        and empty($e/ancestor::ref[normalize-space(@target)])
        and empty($e//(choice[corr] | supplied))"/>
  </xsl:function>

  <xsl:template match="persName | placeName | orgName | rs | name" mode="m:docutils">
    <xsl:variable name="register" as="xs:string?" select="f:register(.)"/>
    <xsl:variable name="ref" as="xs:string?" select="(@ref, @key)[normalize-space()][1]"/>
    <xsl:variable name="classes" as="xs:string"
        select="f:classes(., (lower-case(local-name()), @cert ! ('cert-' || .)))"/>
    <xsl:choose>
      <xsl:when test="exists($register) and exists($ref)">
        <xsl:variable name="links" as="xs:boolean" select="f:name-links(.)"/>
        <xsl:element name="{if ($links) then 'reference' else 'inline'}">
          <xsl:if test="$links">
            <xsl:attribute name="refuri" select="$register-base || $register || '.html#' || f:bare-id($ref)"/>
          </xsl:if>
          <xsl:attribute name="classes" select="$classes"/>
          <xsl:attribute name="register" select="$register"/>
          <xsl:attribute name="key" select="f:bare-id($ref)"/>
          <xsl:for-each select="f:identified-passage(., f:bare-id($ref))">
            <xsl:attribute name="identifies" select="f:id(.)"/>
            <xsl:attribute name="cert" select="(@cert, 'unknown')[1]"/>
          </xsl:for-each>
          <xsl:apply-templates mode="m:docutils"/>
        </xsl:element>
      </xsl:when>
      <xsl:otherwise>
        <inline classes="{$classes}"><xsl:apply-templates mode="m:docutils"/></inline>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A citation of a work of the bibliography. A target in the document itself (a TEI
       file with a listBibl of its own) stays an ordinary link within the page. -->
  <xsl:template match="ref[@type = 'bibl'][starts-with(normalize-space(@target), '#')]" mode="m:docutils">
    <xsl:variable name="key" as="xs:string" select="f:bare-id(@target)"/>
    <xsl:choose>
      <xsl:when test="exists(id($key, root(.)))">
        <xsl:next-match/>
      </xsl:when>
      <xsl:otherwise>
        <reference refuri="{$register-base}bibliography.html#{$key}" classes="{f:classes(., 'ref')}"
            register="bibliography" key="{$key}">
          <xsl:apply-templates mode="m:docutils"/>
        </reference>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="date | time" mode="m:docutils">
    <inline classes="{f:classes(., (local-name(), @cert ! ('cert-' || .)))}">
      <xsl:copy-of select="@when | @from | @to | @notBefore | @notAfter"/>
      <xsl:apply-templates mode="m:docutils"/>
    </inline>
  </xsl:template>

</xsl:stylesheet>
