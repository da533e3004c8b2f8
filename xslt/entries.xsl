<?xml version="1.0" encoding="UTF-8"?>
<!--
  The file's own lists: listPerson, listPlace, listOrg, listBibl, listWit, listEvent …
  rendered as registers, and names that point into them as links to their entries.

  A name (persName, placeName, orgName, rs, name, title …) whose @ref, @key or @corresp
  names an entry of the same file (#id or a bare id) becomes reference refid="{id}"
  classes="… entry-link". Each entry is a container with the entry's id: its name in
  bold, its facts (dates, occupation, location …), its description, its idno links.
  Lists in the body or back stand where they are; lists of the header and of standOff
  (which are not rendered otherwise) follow the text in a section "Lists of this file".
  The Kirov Edition's own documents have no such lists: their names point to the
  edition's registers (names.xsl).
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:map="http://www.w3.org/2005/xpath-functions/map"
    xmlns:f="urn:kirov-edition:function"
    xmlns:fp="urn:kirov-edition:function:private"
    xmlns:m="urn:kirov-edition:mode"
    xmlns:t="urn:kirov-edition:template"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all">

  <!-- Elements that are entries of a list. -->
  <xsl:key name="f:entries" use="@xml:id"
      match="person | personGrp | place | org | bibl | biblStruct | msDesc | witness | event | nym | object"/>

  <!-- The lists this module renders as registers, with the heading each kind gets. -->
  <xsl:variable name="f:list-headings" as="map(xs:string, xs:string)" select="map {
      'listPerson': 'Persons', 'listPlace': 'Places', 'listOrg': 'Organisations',
      'listBibl': 'Works cited', 'listWit': 'Witnesses (conspectus siglorum)',
      'listEvent': 'Events', 'listNym': 'Names', 'listObject': 'Objects'}"/>

  <xsl:function name="f:is-register-list" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="namespace-uri($e) eq $f:tei-ns and map:contains($f:list-headings, local-name($e))"/>
  </xsl:function>

  <!-- The entry of this file that a name points to with @ref, @key or @corresp, if any.
       Only pointers within the file count: '#id' or a bare id (no scheme, path or '#' inside). -->
  <xsl:function name="f:entry-of" as="element()?">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="(for $t in ($e/@ref, $e/@key, $e/@corresp) ! tokenize(normalize-space(.))
                           return if (matches($t, '^#?[^:/#\s]+$'))
                                  then key('f:entries', replace($t, '^#', ''), root($e)) else ())[1]"/>
  </xsl:function>

  <!-- Does this element become a link into the file's lists? Not inside another link, not
       when it is itself the entry's own name, and not an entry pointing to itself. -->
  <xsl:function name="f:entry-links" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="entry" as="element()?" select="f:entry-of($e)"/>
    <xsl:sequence select="exists($entry) and not($entry is $e)
        and empty($e/ancestor::*[self::ref[normalize-space(@target)] or fp:names-entry(.)])"/>
  </xsl:function>

  <xsl:function name="fp:names-entry" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="exists(f:entry-of($e)) and
        local-name($e) = ('persName', 'placeName', 'orgName', 'rs', 'name', 'title', 'author', 'editor',
                          'settlement', 'country', 'region', 'geogName', 'term', 'bibl', 'ref')"/>
  </xsl:function>

  <!-- A name pointing into the file's own lists: a link to the entry. -->
  <xsl:template mode="m:docutils" priority="1"
      match="(persName | placeName | orgName | rs | name | title | author | editor | settlement
              | country | region | geogName | term | bibl | ref[not(normalize-space(@target))])
             [fp:names-entry(.)]">
    <xsl:variable name="entry" as="element()" select="f:entry-of(.)"/>
    <xsl:variable name="classes" as="xs:string"
        select="f:classes(., (lower-case(local-name()), 'entry-link', lower-case(local-name($entry))))"/>
    <xsl:choose>
      <xsl:when test="f:is-block(.)">
        <xsl:next-match/>
      </xsl:when>
      <xsl:when test="f:entry-links(.)">
        <reference refid="{f:id($entry)}" classes="{$classes}">
          <xsl:apply-templates mode="m:docutils"/>
        </reference>
      </xsl:when>
      <xsl:otherwise>
        <inline classes="{$classes}"><xsl:apply-templates mode="m:docutils"/></inline>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A speaker whose speech (sp/@who) names a person of the file's lists: a link to the entry.
       Only a plain speaker: one that holds a note or a link keeps its rendering. -->
  <xsl:template match="speaker[parent::sp/@who]
                       [empty(.//(note | ref | ptr | persName | placeName | orgName | rs | name | choice | supplied | app))]"
      mode="m:docutils" priority="1">
    <xsl:variable name="entry" as="element()?"
        select="(for $t in tokenize(normalize-space(../@who)) return
                 if (matches($t, '^#?[^:/#\s]+$')) then key('f:entries', replace($t, '^#', ''), root(.)) else ())[1]"/>
    <xsl:choose>
      <xsl:when test="exists($entry) and empty(*[f:is-block(.)])">
        <paragraph classes="{f:classes(., 'speaker')}">
          <xsl:if test="@xml:id"><xsl:attribute name="ids" select="f:id(.)"/></xsl:if>
          <reference refid="{f:id($entry)}" classes="speaker-link"><xsl:apply-templates mode="m:docutils"/></reference>
        </paragraph>
      </xsl:when>
      <xsl:otherwise>
        <xsl:next-match/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ===== Lists as registers ===== -->

  <xsl:template match="*[f:is-register-list(.)]" mode="m:docutils">
    <xsl:call-template name="t:register-list"/>
  </xsl:template>

  <xsl:template name="t:register-list">
    <container classes="{f:classes(., ('register-list', lower-case(local-name())))}">
      <xsl:if test="@xml:id"><xsl:attribute name="ids" select="f:id(.)"/></xsl:if>
      <xsl:for-each-group select="node()" group-adjacent="fp:list-part(.)">
        <xsl:choose>
          <xsl:when test="current-grouping-key() eq 'head'">
            <xsl:for-each select="current-group()">
              <paragraph classes="register-head"><strong><xsl:apply-templates mode="m:docutils"/></strong></paragraph>
            </xsl:for-each>
          </xsl:when>
          <xsl:when test="current-grouping-key() eq 'entry'">
            <xsl:apply-templates select="current-group()[self::*]" mode="m:entry"/>
          </xsl:when>
          <xsl:when test="current-grouping-key() eq 'list'">
            <xsl:for-each select="current-group()"><xsl:call-template name="t:register-list"/></xsl:for-each>
          </xsl:when>
          <xsl:otherwise>
            <xsl:call-template name="t:flow">
              <xsl:with-param name="nodes" select="current-group()"/>
            </xsl:call-template>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:for-each-group>
    </container>
  </xsl:template>

  <xsl:function name="fp:list-part" as="xs:string">
    <xsl:param name="n" as="node()"/>
    <xsl:sequence select="if ($n/self::head) then 'head'
        else if ($n/self::* and f:is-register-list($n)) then 'list'
        else if ($n/self::* and local-name($n) = ('person', 'personGrp', 'place', 'org', 'bibl', 'biblStruct',
                 'msDesc', 'witness', 'event', 'nym', 'object', 'relation', 'listRelation', 'item')) then 'entry'
        else if ($n/self::text() and not(normalize-space($n))) then 'entry'
        else 'other'"/>
  </xsl:function>

  <!-- An entry: its mixed text as a paragraph (bibl, witness), or name, facts, description, links. -->
  <xsl:template match="*" mode="m:entry">
    <container ids="{f:id(.)}" classes="{f:classes(., ('entry', lower-case(local-name())))}">
      <xsl:choose>
        <xsl:when test="exists(text()[normalize-space()]) or self::bibl">
          <paragraph classes="entry-text">
            <xsl:apply-templates mode="m:docutils"/>
          </paragraph>
        </xsl:when>
        <xsl:otherwise>
          <xsl:variable name="names" as="element()*"
              select="(persName | placeName | orgName | name | label | title | settlement | geogName
                       | forename | surname | head)"/>
          <xsl:variable name="name" as="element()?" select="($names[@type = ('full', 'main', 'reg')], $names)[1]"/>
          <xsl:variable name="facts" as="element()*"
              select="* except ($name | noteGrp | fp:prose(.) | fp:links(.) | *[f:is-register-list(.)] | *[fp:list-part(.) eq 'entry'])"/>
          <paragraph classes="entry-head">
            <strong classes="entry-name">
              <xsl:choose>
                <!-- Without the whitespace around a name's content (settlement/placeName). -->
                <xsl:when test="$name">
                  <xsl:apply-templates select="$name/node()[not(self::text()[not(normalize-space())])]" mode="m:entry-inline"/>
                </xsl:when>
                <xsl:otherwise><xsl:value-of select="(@n, @xml:id, local-name())[1]"/></xsl:otherwise>
              </xsl:choose>
            </strong>
            <xsl:for-each select="@sex[normalize-space()], @role[normalize-space()]">
              <xsl:text> (</xsl:text><xsl:value-of select="lower-case(.)"/><xsl:text>)</xsl:text>
            </xsl:for-each>
            <xsl:for-each select="$facts">
              <xsl:text>; </xsl:text>
              <inline classes="entry-fact {lower-case(local-name())}">
                <xsl:value-of select="fp:fact-label(.)"/>
                <xsl:apply-templates mode="m:entry-inline"/>
                <xsl:value-of select="fp:fact-dates(.)"/>
              </inline>
            </xsl:for-each>
          </paragraph>
          <xsl:for-each select="fp:prose(.)">
            <xsl:if test="normalize-space()">
              <paragraph classes="entry-desc {lower-case(local-name())}">
                <xsl:apply-templates mode="m:entry-inline"/>
              </paragraph>
            </xsl:if>
          </xsl:for-each>
          <xsl:if test="exists(fp:links(.))">
            <paragraph classes="entry-links">
              <xsl:for-each select="fp:links(.)">
                <xsl:if test="position() gt 1"><xsl:text> · </xsl:text></xsl:if>
                <xsl:call-template name="t:entry-link"/>
              </xsl:for-each>
            </paragraph>
          </xsl:if>
          <xsl:for-each select="*[f:is-register-list(.)]"><xsl:call-template name="t:register-list"/></xsl:for-each>
          <xsl:apply-templates select="*[fp:list-part(.) eq 'entry'] except $name" mode="m:entry"/>
        </xsl:otherwise>
      </xsl:choose>
    </container>
  </xsl:template>

  <xsl:function name="fp:prose" as="element()*">
    <xsl:param name="entry" as="element()"/>
    <xsl:sequence select="$entry/(note | desc | p | ab | noteGrp/note | bibl[not(@xml:id)] | listBibl)"/>
  </xsl:function>

  <xsl:function name="fp:links" as="element()*">
    <xsl:param name="entry" as="element()"/>
    <xsl:sequence select="$entry/(idno | ptr[@target] | ref[@target] | linkGrp/ptr[@target])"/>
  </xsl:function>

  <xsl:function name="fp:fact-label" as="xs:string">
    <xsl:param name="fact" as="element()"/>
    <xsl:variable name="labels" as="map(xs:string, xs:string)" select="map {
        'birth': 'born ', 'death': 'died ', 'floruit': 'fl. ', 'occupation': '', 'residence': 'lived ',
        'location': '', 'country': '', 'region': '', 'affiliation': '', 'sex': ''}"/>
    <xsl:sequence select="($labels(local-name($fact)),
        (($fact/@type, local-name($fact))[1] ! (lower-case(string(.)) || ': ')))[1]"/>
  </xsl:function>

  <!-- A fact's dates when they are attributes only (birth when="1765-08-28"). -->
  <xsl:function name="fp:fact-dates" as="xs:string?">
    <xsl:param name="fact" as="element()"/>
    <xsl:variable name="when" as="xs:string*"
        select="($fact/@when, $fact/@when-iso, $fact/@notBefore ! ('after ' || .), $fact/@notAfter ! ('before ' || .),
                 $fact/@from ! ('from ' || .), $fact/@to ! ('to ' || .))[normalize-space()]"/>
    <xsl:if test="exists($when) and not(normalize-space($fact))">
      <xsl:sequence select="string-join($when, ' ')"/>
    </xsl:if>
  </xsl:function>

  <!-- An idno, ptr or ref: a link when it is a web address, else its type and value. -->
  <xsl:template name="t:entry-link">
    <xsl:variable name="uri" as="xs:string" select="normalize-space((@target, .)[1])"/>
    <xsl:variable name="label" as="xs:string?" select="(@subtype, @type)[normalize-space()][1] ! string(.)"/>
    <xsl:choose>
      <xsl:when test="matches($uri, '^https?://') and f:safe-uri($uri)">
        <reference refuri="{$uri}" classes="{f:classes(., ('entry-idno', lower-case(local-name())))}">
          <xsl:value-of select="if ($label and not(normalize-space(.)[. ne $uri])) then $label || ': ' || $uri
                                else if (normalize-space(.)) then normalize-space(.) else $uri"/>
        </reference>
      </xsl:when>
      <xsl:otherwise>
        <inline classes="entry-idno">
          <xsl:value-of select="string-join(($label, normalize-space(.)[.]), ': ')"/>
        </inline>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Inside an entry: names and dates as in the text, any other element as its text, and a
       note as plain text (an entry is no place for a footnote's callout). -->
  <xsl:template match="persName | placeName | orgName | rs | name | date | title | hi | emph | foreign
                       | ref | ptr | choice | abbr | expan | *[fp:names-entry(.)]" mode="m:entry-inline">
    <xsl:apply-templates select="." mode="m:docutils"/>
  </xsl:template>

  <xsl:template match="*" mode="m:entry-inline">
    <xsl:if test="preceding-sibling::*"><xsl:text> </xsl:text></xsl:if>
    <xsl:apply-templates mode="m:entry-inline"/>
  </xsl:template>

  <xsl:template match="text()" mode="m:entry-inline">
    <xsl:value-of select="replace(., '\s+', ' ')"/>
  </xsl:template>

  <!-- Lists the text does not render (header, standOff): a section after the text. -->
  <xsl:template name="t:file-lists">
    <xsl:param name="scope" as="element()" select="."/>
    <xsl:variable name="lists" as="element()*"
        select="($scope/teiHeader, $scope/standOff)//*[f:is-register-list(.)]
                [not(ancestor::*[f:is-register-list(.)])]"/>
    <xsl:if test="exists($lists)">
      <section ids="{f:key($scope)}-lists" classes="file-lists">
        <title>Lists of this file</title>
        <xsl:for-each-group select="$lists" group-by="local-name()">
          <section ids="{f:key($scope)}-{lower-case(current-grouping-key())}" classes="file-list">
            <title><xsl:value-of select="$f:list-headings(current-grouping-key())"/></title>
            <xsl:for-each select="current-group()"><xsl:call-template name="t:register-list"/></xsl:for-each>
          </section>
        </xsl:for-each-group>
      </section>
    </xsl:if>
  </xsl:template>

</xsl:stylesheet>
