<?xml version="1.0" encoding="UTF-8"?>
<!--
  The flow of blocks: how mixed TEI content becomes docutils body elements.

  TEI mixes text and blocks freely (a list inside a p, a pb between paragraphs);
  docutils does not. t:flow groups adjacent inline nodes into paragraphs and
  renders blocks as themselves. t:apparatus emits, after a block, the notes that
  belong to it, so a paragraph and its apparatus stay together.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:f="urn:kirov-edition:function"
    xmlns:m="urn:kirov-edition:mode"
    xmlns:t="urn:kirov-edition:template"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all">

  <!-- Render $nodes as body elements: each run of inline nodes becomes one paragraph. -->
  <xsl:template name="t:flow">
    <xsl:param name="nodes" as="node()*" required="yes"/>
    <xsl:param name="classes" as="xs:string?" select="()"/>
    <xsl:for-each-group select="$nodes" group-adjacent="f:is-block(.)">
      <xsl:choose>
        <xsl:when test="current-grouping-key()">
          <xsl:apply-templates select="current-group()" mode="m:docutils"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:variable name="inline" as="node()*">
            <xsl:apply-templates select="current-group()" mode="m:docutils"/>
          </xsl:variable>
          <xsl:if test="exists($inline[. instance of element()])
                        or normalize-space(string-join($inline ! string(.))) ne ''">
            <!-- A run of nothing but page and line marks (between paragraphs) is layout, not text. -->
            <xsl:variable name="layout" as="xs:boolean"
                select="normalize-space(string-join(current-group()[not(. instance of element())])) eq ''
                        and empty(current-group()[self::*][not(self::pb | self::fw | self::lb | self::cb
                                                              | self::milestone | self::anchor)])"/>
            <paragraph>
              <xsl:if test="$classes or $layout">
                <xsl:attribute name="classes" select="string-join(($classes[. ne ''], 'layout'[$layout]), ' ')"/>
              </xsl:if>
              <xsl:sequence select="$inline"/>
            </paragraph>
          </xsl:if>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each-group>
  </xsl:template>

  <!--
    The apparatus of $owner (see f:owner; one or more owners, in document order), as one
    container beside (wide screens) or below it:
    its notes and emendations in text order, then links to the register entries of the names
    in it. Nothing if there is nothing to say. Emendations and names: edited reading only.
  -->
  <xsl:template name="t:apparatus">
    <xsl:param name="owner" as="element()+" select="."/>
    <xsl:variable name="owners" as="xs:string+" select="$owner ! generate-id(.)"/>
    <xsl:variable name="notes" as="element()*"
        select="key('f:notes-by-owner', $owners, root($owner[1]))
                [not(f:is-block(.))][f:shows-note(.)]"/>
    <xsl:variable name="emendations" as="element()*"
        select="if (f:edited()) then key('f:emendations-by-owner', $owners, root($owner[1])) else ()"/>
    <xsl:variable name="names" as="element()*"
        select="if (f:edited() and not($owner/self::note))
                then key('f:names-by-owner', $owners, root($owner[1])) else ()"/>
    <xsl:variable name="variants" as="element()*"
        select="key('f:apps-by-owner', $owners, root($owner[1]))
                | $owner/self::app[f:is-block(.)][not(parent::listApp)]"/>
    <xsl:if test="exists($notes | $emendations | $names | $variants)">
      <container classes="apparatus">
        <xsl:apply-templates select="$variants | $notes | $emendations" mode="m:apparatus"/>
        <xsl:call-template name="t:apparatus-names">
          <xsl:with-param name="names" select="$names"/>
        </xsl:call-template>
      </container>
    </xsl:if>
  </xsl:template>

  <!-- The register entries of the names in a block, once each, in order of first mention.
       They carry regref/regkey (not register/key): a link here is no mention of its own. -->
  <xsl:template name="t:apparatus-names">
    <xsl:param name="names" as="element()*" required="yes"/>
    <xsl:if test="exists($names)">
      <paragraph classes="apparatus-entry names-entry">
        <inline classes="apparatus-label">Names: </inline>
        <xsl:for-each-group select="$names" group-by="f:register(.) || '#' || f:bare-id((@ref, @key)[normalize-space()][1])">
          <xsl:if test="position() gt 1"><xsl:text>, </xsl:text></xsl:if>
          <xsl:variable name="register" as="xs:string" select="f:register(.)"/>
          <xsl:variable name="key" as="xs:string" select="f:bare-id((@ref, @key)[normalize-space()][1])"/>
          <reference refuri="{$register-base}{$register}.html#{$key}"
              classes="{lower-case(local-name())} register-link" regref="{$register}" regkey="{$key}">
            <!-- the edited reading of the name: a source reading it corrects (sic, orig) is not its name -->
            <xsl:value-of select="translate(normalize-space(string-join(.//text()[not(ancestor::sic | ancestor::orig)])), '‟„', '’‘')"/>
          </reference>
        </xsl:for-each-group>
      </paragraph>
    </xsl:if>
  </xsl:template>

  <xsl:key name="f:notes-by-owner" use="f:owner(.) ! generate-id(.)"
      match="note[not(ancestor::*[f:behaviour(.) = 'hidden'] | ancestor::*[f:is-register-list(.)])]
                 [not(@prev and f:is-continuation(.))]"/>
  <xsl:key name="f:emendations-by-owner" match="(choice[corr] | supplied)[not(ancestor::*[f:behaviour(.) = 'hidden'])]"
      use="f:owner(.) ! generate-id(.)"/>
  <xsl:key name="f:names-by-owner"
      match="(persName | placeName | orgName | rs | name)[(@ref, @key)[normalize-space()]]
             [not(ancestor::*[f:behaviour(.) = 'hidden'] | ancestor::sic | ancestor::orig | ancestor::fw)]
             [empty(f:entry-of(.))]"
      use="f:owner(.)[exists(f:register(current()))] ! generate-id(.)"/>

  <!--
    A paragraph-like element. $unit: always group it with its apparatus and give it a
    permalink (the edition's citable paragraphs); otherwise only when it has notes.
  -->
  <xsl:template name="t:paragraph">
    <xsl:param name="classes" as="xs:string?" select="()"/>
    <xsl:param name="unit" as="xs:boolean" select="false()"/>
    <!-- $anchor: the id of an element without xml:id that is citable all the same (a numbered line);
         $lead: what the paragraph starts with (its line number). -->
    <xsl:param name="anchor" as="xs:string?" select="()"/>
    <xsl:param name="lead" as="node()*" select="()"/>
    <xsl:variable name="id" as="xs:string?" select="if (@xml:id or $unit) then f:id(.) else $anchor"/>
    <xsl:variable name="apparatus" as="element()*">
      <xsl:call-template name="t:apparatus"/>
    </xsl:variable>
    <xsl:variable name="simple" as="xs:boolean" select="not(node()[f:is-block(.)])"/>
    <xsl:variable name="permalink" as="element()?">
      <xsl:if test="$unit">
        <reference refuri="#{$id}" classes="permalink">
          <xsl:value-of select="$permalink-sign"/>
        </reference>
      </xsl:if>
    </xsl:variable>
    <xsl:variable name="body" as="element()*">
      <xsl:choose>
        <xsl:when test="$simple">
          <paragraph>
            <xsl:if test="exists($id)"><xsl:attribute name="ids" select="$id"/></xsl:if>
            <xsl:if test="$classes"><xsl:attribute name="classes" select="$classes"/></xsl:if>
            <xsl:sequence select="$lead"/>
            <xsl:apply-templates mode="m:docutils"/>
            <xsl:if test="$permalink"><xsl:text> </xsl:text><xsl:sequence select="$permalink"/></xsl:if>
          </paragraph>
        </xsl:when>
        <xsl:otherwise>
          <xsl:if test="exists($lead)"><paragraph classes="lead"><xsl:sequence select="$lead"/></paragraph></xsl:if>
          <xsl:call-template name="t:flow">
            <xsl:with-param name="nodes" select="node()"/>
            <xsl:with-param name="classes" select="$classes"/>
          </xsl:call-template>
          <xsl:if test="$permalink"><paragraph classes="permalink-line"><xsl:sequence select="$permalink"/></paragraph></xsl:if>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="$unit or exists($apparatus) or not($simple)">
        <container classes="{string-join(('unit', $classes), ' ')}">
          <xsl:if test="not($simple) and exists($id)"><xsl:attribute name="ids" select="$id"/></xsl:if>
          <xsl:sequence select="$body, $apparatus"/>
        </container>
      </xsl:when>
      <xsl:otherwise>
        <xsl:sequence select="$body"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A container of blocks (opener, closer, lg, sp, titlePage …): a classed container. -->
  <xsl:template name="t:container">
    <xsl:param name="classes" as="xs:string" select="f:classes(., local-name())"/>
    <container classes="{$classes}">
      <xsl:if test="@xml:id"><xsl:attribute name="ids" select="f:id(.)"/></xsl:if>
      <xsl:call-template name="t:flow">
        <xsl:with-param name="nodes" select="node()"/>
      </xsl:call-template>
      <xsl:call-template name="t:apparatus"/>
    </container>
  </xsl:template>

  <xsl:template match="*[f:behaviour(.) = 'block']" mode="m:docutils" priority="-0.5">
    <xsl:call-template name="t:container"/>
  </xsl:template>

  <xsl:template match="*[f:behaviour(.) = 'paragraph']" mode="m:docutils" priority="-0.5">
    <xsl:call-template name="t:paragraph">
      <xsl:with-param name="classes" select="f:classes(., local-name())"/>
    </xsl:call-template>
  </xsl:template>

  <!-- Flex elements: a paragraph where blocks flow, an inline elsewhere. -->
  <xsl:template match="*[f:behaviour(.) = 'flex']" mode="m:docutils" priority="-0.5">
    <xsl:choose>
      <xsl:when test="f:is-block(.)">
        <xsl:call-template name="t:paragraph">
          <xsl:with-param name="classes" select="f:classes(., local-name())"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <inline classes="{f:classes(., local-name())}">
          <xsl:apply-templates mode="m:docutils"/>
        </inline>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="*[f:behaviour(.) = 'inline']" mode="m:docutils" priority="-0.5">
    <inline classes="{f:classes(., local-name())}">
      <xsl:if test="@xml:id"><xsl:attribute name="ids" select="f:id(.)"/></xsl:if>
      <xsl:apply-templates mode="m:docutils"/>
    </inline>
  </xsl:template>

  <xsl:template match="*[f:behaviour(.) = 'hidden']" mode="m:docutils" priority="-0.5"/>

</xsl:stylesheet>
