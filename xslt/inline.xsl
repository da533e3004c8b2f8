<?xml version="1.0" encoding="UTF-8"?>
<!--
  Phrase-level renditions and links. Elements not listed here but marked 'inline'
  in the behaviour table become inline with their name as class (blocks.xsl).
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:f="urn:kirov-edition:function"
    xmlns:m="urn:kirov-edition:mode"
    xmlns:t="urn:kirov-edition:template"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all">

  <!-- The docutils node for a rendition: emphasis, strong, superscript, subscript or inline. -->
  <xsl:function name="f:rendition-node" as="xs:string">
    <xsl:param name="rend" as="xs:string*"/>
    <xsl:variable name="r" as="xs:string*" select="$rend ! tokenize(lower-case(.), '[\s#]+')"/>
    <xsl:sequence select="
        if ($r = ('sup', 'superscript')) then 'superscript'
        else if ($r = ('sub', 'subscript')) then 'subscript'
        else if ($r = ('bold', 'b', 'strong')) then 'strong'
        else if ($r = ('italic', 'italics', 'i', 'it', 'em')) then 'emphasis'
        else 'inline'"/>
  </xsl:function>

  <xsl:template match="hi" mode="m:docutils">
    <xsl:element name="{f:rendition-node((@rend, @rendition))}">
      <xsl:attribute name="classes" select="f:classes(., 'hi')"/>
      <xsl:apply-templates mode="m:docutils"/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="emph | foreign | title[not(@level = ('a', 'u'))] | term | mentioned"
      mode="m:docutils">
    <emphasis classes="{f:classes(., local-name())}"><xsl:apply-templates mode="m:docutils"/></emphasis>
  </xsl:template>

  <!--
    May a URI be a link in a reader's browser? Only relative ones and http, https and
    mailto: javascript:, data:, vbscript: and the rest never become links. Browsers
    ignore whitespace and control characters inside a scheme, so they are removed first.
  -->
  <xsl:function name="f:safe-uri" as="xs:boolean">
    <xsl:param name="uri" as="xs:string"/>
    <xsl:variable name="squeezed" as="xs:string" select="replace($uri, '[\p{Cc}\s]+', '')"/>
    <xsl:sequence select="not(matches($squeezed, '^[A-Za-z][A-Za-z0-9+.\-]*:'))
                          or matches($squeezed, '^(https?|mailto):', 'i')"/>
  </xsl:function>

  <!-- Links inside the document, or out of it. A pointer that leads nowhere is shown and reported. -->
  <!-- A private URI (bib:b0848) expanded by the file's prefixDef (TEI Guidelines 16.2.3), else as written. -->
  <xsl:function name="f:expand-pointer" as="xs:string">
    <xsl:param name="pointer" as="xs:string"/>
    <xsl:param name="context" as="node()"/>
    <xsl:variable name="prefix" as="xs:string" select="substring-before($pointer, ':')"/>
    <xsl:variable name="def" as="element()?"
        select="if (matches($prefix, '^[A-Za-z][A-Za-z0-9.+\-]*$'))
                then root($context)//prefixDef[@ident = $prefix][matches(substring-after($pointer, ':'), @matchPattern)][1]
                else ()"/>
    <xsl:sequence select="if ($def) then replace(substring-after($pointer, ':'), $def/@matchPattern, $def/@replacementPattern)
                          else $pointer"/>
  </xsl:function>

  <xsl:template match="ref | ptr" mode="m:docutils">
    <xsl:variable name="target" as="xs:string"
        select="f:expand-pointer((tokenize(normalize-space(@target), ' ')[1], '')[1], .)"/>
    <!-- A fragment: '#id', or a bare id as some projects write it (no scheme, path or extension). -->
    <xsl:variable name="fragment" as="xs:string?"
        select="if (starts-with($target, '#')) then substring($target, 2)
                else if ($target ne '' and not(matches($target, '[:/.]'))) then $target else ()"/>
    <xsl:variable name="local" as="element()?"
        select="if (exists($fragment)) then id($fragment, root(.))[1] else ()"/>
    <xsl:variable name="content" as="node()*">
      <xsl:apply-templates mode="m:docutils"/>
      <xsl:if test="self::ptr">
        <xsl:value-of select="if ($local/self::note) then f:note-label($local) else $target"/>
      </xsl:if>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="$target eq ''">
        <inline classes="{local-name()}"><xsl:sequence select="$content"/></inline>
      </xsl:when>
      <xsl:when test="exists($local)">
        <reference refid="{f:id($local)}" classes="{local-name()}"><xsl:sequence select="$content"/></reference>
      </xsl:when>
      <xsl:when test="not(f:safe-uri($target))">
        <xsl:message select="string-join(('unsafe-link', local-name(), path(.),
                             'target ' || substring($target, 1, 80) || ' dropped: only http, https, mailto and relative links are allowed'), '&#9;')"/>
        <inline classes="{local-name()} unsafe-link"><xsl:sequence select="$content"/></inline>
      </xsl:when>
      <xsl:when test="exists($fragment)">
        <xsl:message select="string-join(('broken-link', local-name(), path(.),
                             'target ' || $target || ' is not in this document'), '&#9;')"/>
        <inline classes="{local-name()} broken-link"><xsl:sequence select="$content"/></inline>
      </xsl:when>
      <xsl:otherwise>
        <reference refuri="{$target}" classes="{local-name()}"><xsl:sequence select="$content"/></reference>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Tokens: adjacent w elements are separate words even when the source puts no space between them. -->
  <xsl:template match="w" mode="m:docutils">
    <inline classes="{f:classes(., 'w')}">
      <xsl:if test="@xml:id"><xsl:attribute name="ids" select="f:id(.)"/></xsl:if>
      <xsl:apply-templates mode="m:docutils"/>
    </inline>
    <xsl:if test="following-sibling::node()[1][self::w]"><xsl:text> </xsl:text></xsl:if>
  </xsl:template>

  <!-- A TeX formula is typeset by Sphinx's math support (edition/sphinxext/formulas.py). -->
  <xsl:template match="formula[lower-case(@notation) = ('tex', 'latex')][normalize-space()][not(*)]" mode="m:docutils" priority="1">
    <math classes="{f:classes(., 'formula')}"><xsl:value-of select="normalize-space(.)"/></math>
  </xsl:template>

  <!-- Other formulae are shown as their text, in the notation the source gives. -->
  <xsl:template match="formula" mode="m:docutils">
    <literal classes="{f:classes(., 'formula')}"><xsl:value-of select="normalize-space(.)"/></literal>
  </xsl:template>

</xsl:stylesheet>
