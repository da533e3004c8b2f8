<?xml version="1.0" encoding="UTF-8"?>
<!--
  Names and dates. A name that points into a register becomes a reference to the
  register entry, e.g. reference refuri="persons.html#stalin" classes="persname",
  with register/key attributes that the Sphinx extension uses to collect mentions
  and to rewrite the link for each builder. A date keeps its ISO value(s) as
  attributes for the chronology.
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

  <xsl:template match="persName | placeName | orgName | rs | name" mode="m:docutils">
    <xsl:variable name="register" as="xs:string?" select="f:register(.)"/>
    <xsl:variable name="ref" as="xs:string?" select="(@ref, @key)[normalize-space()][1]"/>
    <xsl:variable name="classes" as="xs:string"
        select="f:classes(., (lower-case(local-name()), @cert ! ('cert-' || .)))"/>
    <xsl:choose>
      <xsl:when test="exists($register) and exists($ref)">
        <reference refuri="{$register-base}{$register}.html#{f:bare-id($ref)}" classes="{$classes}"
            register="{$register}" key="{f:bare-id($ref)}">
          <xsl:apply-templates mode="m:docutils"/>
        </reference>
      </xsl:when>
      <xsl:otherwise>
        <inline classes="{$classes}"><xsl:apply-templates mode="m:docutils"/></inline>
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
