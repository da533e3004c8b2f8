<?xml version="1.0" encoding="UTF-8"?>
<!--
  Source readings and editorial readings (tei/ENCODING.md, "Source readings and
  editorial readings"). The diplomatic reading shows sic/orig/abbr; the edited one
  corr/reg/expan, supplied words in brackets, and ‟ „ as ’ ‘ (never inside c).

  Emendations (a choice with corr, a supplied word) are the editors' changes to the
  text. In the edited reading each one is a mark with a permanent id
  {id of the nearest ancestor with xml:id}-em{n} (n counts the emendations inside that
  ancestor), an entry in the apparatus of its block ({id}-app) and a row in the
  document's list of emendations ({id}-list), all linked to each other:
    mark ({id}) → list row; callout ({id}-ref) → apparatus entry;
    apparatus entry → mark and list row; list row → mark and apparatus entry.
  The mark carries the entry's data as attributes (emendation, lemma, source, resp,
  cert, reason, page) for the Sphinx extension (edition/sphinxext/apparatus.py).
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:f="urn:kirov-edition:function"
    xmlns:m="urn:kirov-edition:mode"
    xmlns:t="urn:kirov-edition:template"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all">

  <!-- Whitespace is not significant in the sources: runs collapse to one space. The
       characters the edited reading normalises (‟ „) are marked in both readings, so the
       parallel view can show where the readings differ. -->
  <xsl:template match="text()" mode="m:docutils">
    <xsl:variable name="s" as="xs:string" select="replace(., '\s+', ' ')"/>
    <xsl:choose>
      <xsl:when test="ancestor::c or not(matches($s, '[‟„]'))">
        <xsl:value-of select="$s"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:analyze-string select="$s" regex="[‟„]">
          <xsl:matching-substring>
            <inline classes="{if (f:edited()) then 'norm reg' else 'norm orig'}">
              <xsl:value-of select="if (f:edited()) then translate(., '‟„', '’‘') else ."/>
            </inline>
          </xsl:matching-substring>
          <xsl:non-matching-substring><xsl:value-of select="."/></xsl:non-matching-substring>
        </xsl:analyze-string>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="choice" mode="m:docutils">
    <xsl:variable name="edited" as="element()*" select="(corr, reg, expan, ex)"/>
    <xsl:variable name="source" as="element()*" select="(sic, orig, abbr)"/>
    <xsl:variable name="shown" as="element()?"
        select="if (f:edited()) then ($edited, * except $source, *)[1] else ($source, *)[1]"/>
    <inline classes="{string-join(('choice', 'emendation'[f:edited() and f:is-emendation(current())]), ' ')}">
      <xsl:choose>
        <xsl:when test="f:edited() and f:is-emendation(.)">
          <xsl:call-template name="t:emendation-mark">
            <xsl:with-param name="content" as="node()*">
              <xsl:apply-templates select="$shown/node()" mode="m:docutils"/>
            </xsl:with-param>
            <xsl:with-param name="classes" select="f:classes($shown, ('corr', $shown/@cert ! ('cert-' || .)))"/>
          </xsl:call-template>
        </xsl:when>
        <xsl:otherwise>
          <xsl:apply-templates select="$shown" mode="m:docutils"/>
        </xsl:otherwise>
      </xsl:choose>
    </inline>
  </xsl:template>

  <!-- Readings of the source: shown in the diplomatic reading, and in the edited one when no
       editorial alternative stands beside them. -->
  <xsl:template match="sic | orig | abbr" mode="m:docutils">
    <inline classes="{f:classes(., local-name())}"><xsl:apply-templates mode="m:docutils"/></inline>
  </xsl:template>

  <!-- Editorial readings: the edited reading only. -->
  <xsl:template match="corr | reg | expan | ex" mode="m:docutils">
    <xsl:if test="f:edited()">
      <inline classes="{f:classes(., (local-name(), @cert ! ('cert-' || .)))}">
        <xsl:apply-templates mode="m:docutils"/>
      </inline>
    </xsl:if>
  </xsl:template>

  <xsl:template match="supplied" mode="m:docutils">
    <xsl:if test="f:edited()">
      <xsl:call-template name="t:emendation-mark">
        <xsl:with-param name="content" as="node()*">
          <xsl:text>[</xsl:text><xsl:apply-templates mode="m:docutils"/><xsl:text>]</xsl:text>
        </xsl:with-param>
        <xsl:with-param name="classes" select="f:classes(., ('supplied', @cert ! ('cert-' || .)))"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- A lost footnote text is marked in both readings: the reader must see that a note
       existed. Other gaps are an editorial statement, so the edited reading only. -->
  <xsl:template match="gap" mode="m:docutils">
    <xsl:choose>
      <xsl:when test="@reason = 'not-in-source'">
        <inline classes="gap not-in-source"><xsl:value-of select="$missing-note-text"/></inline>
      </xsl:when>
      <xsl:when test="f:edited()">
        <inline classes="{f:classes(., 'gap')}">[…]</inline>
      </xsl:when>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="space" mode="m:docutils">
    <inline classes="space"><xsl:text> </xsl:text></inline>
  </xsl:template>

  <!-- ===== Emendations: the editors' changes to the text ===== -->

  <xsl:function name="f:is-emendation" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="exists($e/self::choice[corr]) or exists($e/self::supplied)"/>
  </xsl:function>

  <!-- The emendations of a document, in document order (the header has none to show). -->
  <xsl:function name="f:emendations" as="element()*">
    <xsl:param name="scope" as="node()"/>
    <xsl:sequence select="$scope//(choice[corr] | supplied)[not(ancestor::*[f:behaviour(.) = 'hidden'])]"/>
  </xsl:function>

  <!-- The element an emendation is numbered in: the nearest ancestor with xml:id, else (TEI
       from elsewhere, which may have no xml:ids) the outermost element, whose f:id is
       generated. -->
  <xsl:function name="f:emendation-scope" as="element()">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="($e/ancestor::*[@xml:id][1], $e/ancestor-or-self::*[last()])[1]"/>
  </xsl:function>

  <!-- {id of the nearest ancestor with xml:id}-em{n}: stable while that element's own
       emendations stay as they are. -->
  <xsl:function name="f:emendation-id" as="xs:string" cache="yes">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="scope" as="element()" select="f:emendation-scope($e)"/>
    <xsl:sequence select="f:id($scope) || '-em'
        || (count(f:emendations($scope)[. &lt;&lt; $e]) + 1)"/>
  </xsl:function>

  <!-- The editorial reading of an emendation: the corr, or the supplied element itself. -->
  <xsl:function name="f:emendation-reading" as="element()">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="($e/self::choice/corr, $e)[1]"/>
  </xsl:function>

  <!-- The new reading as plain text, as the edited reading shows it (names and links stay in
       the text: the apparatus and the list only quote it). -->
  <xsl:function name="f:emendation-lemma" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="text" as="xs:string"
        select="translate(normalize-space(f:emendation-reading($e)), '‟„', '’‘')"/>
    <xsl:sequence select="if ($e/self::supplied) then '[' || $text || ']' else $text"/>
  </xsl:function>

  <!-- Who is responsible: @resp resolved to its respStmt (its name, else its resp), else as written. -->
  <xsl:function name="f:resp-name" as="xs:string">
    <xsl:param name="reading" as="element()"/>
    <xsl:variable name="names" as="xs:string*" select="
        for $r in tokenize(normalize-space($reading/@resp), ' ')
        return (id(f:bare-id($r), root($reading))[1]
                ! normalize-space(((orgName | persName | name), resp, .)[1]), $r)[. ne ''][1]"/>
    <xsl:sequence select="string-join($names, '; ')"/>
  </xsl:function>

  <!-- Where the source prints it: the page of the preceding pb, else the numbered slide. -->
  <xsl:function name="f:source-page" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="(
        $e/preceding::pb[normalize-space(@n)][1] ! ('p. ' || normalize-space(@n)),
        $e/ancestor::div[@type = 'slide'][@n][1] ! ('slide ' || normalize-space(@n)),
        '')[1]"/>
  </xsl:function>

  <!-- Does this element become a link? (A link may not hold another.) -->
  <xsl:function name="f:makes-link" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="exists($e/(self::ref | self::ptr)) or f:name-links($e) or f:entry-links($e)"/>
  </xsl:function>

  <!-- The mark of an emendation in the edited text: the new reading, linked to its row in the
       list, and a callout ° to its apparatus entry. Inside a link only the mark's id remains. -->
  <xsl:template name="t:emendation-mark">
    <xsl:param name="content" as="node()*" required="yes"/>
    <xsl:param name="classes" as="xs:string" required="yes"/>
    <xsl:variable name="id" as="xs:string" select="f:emendation-id(.)"/>
    <xsl:variable name="reading" as="element()" select="f:emendation-reading(.)"/>
    <xsl:variable name="linkable" as="xs:boolean"
        select="empty(ancestor::*[f:makes-link(.)]) and empty(.//*[f:makes-link(.)])"/>
    <xsl:element name="{if ($linkable) then 'reference' else 'inline'}">
      <xsl:attribute name="ids" select="$id"/>
      <xsl:if test="$linkable"><xsl:attribute name="refid" select="$id || '-list'"/></xsl:if>
      <xsl:attribute name="classes" select="$classes || ' emendation-mark'"/>
      <xsl:attribute name="emendation" select="if (self::supplied) then 'supplied' else 'corr'"/>
      <xsl:attribute name="lemma" select="f:emendation-lemma(.)"/>
      <xsl:attribute name="source" select="normalize-space(string-join(sic))"/>
      <xsl:attribute name="resp" select="f:resp-name($reading)"/>
      <xsl:attribute name="cert" select="normalize-space(($reading/@cert, @cert)[1])"/>
      <xsl:attribute name="reason" select="normalize-space(@reason)"/>
      <xsl:attribute name="page" select="f:source-page(.)"/>
      <xsl:sequence select="$content"/>
    </xsl:element>
    <xsl:if test="$linkable">
      <reference ids="{$id}-ref" refid="{$id}-app" classes="em-ref">°</reference>
    </xsl:if>
  </xsl:template>

  <!-- What the source has instead: the sic reading, or nothing for a supplied word. -->
  <xsl:template name="t:emendation-source">
    <xsl:choose>
      <xsl:when test="self::choice">
        <inline classes="sic"><xsl:value-of select="normalize-space(string-join(sic))"/></inline>
        <inline classes="siglum"> source</inline>
      </xsl:when>
      <xsl:otherwise>
        <inline classes="siglum">not in the source<xsl:value-of select="@reason ! (' (' || translate(., '-', ' ') || ')')"/></inline>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The apparatus entry: ° lemma ] source reading; who; certainty; link to the list. -->
  <xsl:template match="choice[corr] | supplied" mode="m:apparatus">
    <xsl:variable name="id" as="xs:string" select="f:emendation-id(.)"/>
    <xsl:variable name="reading" as="element()" select="f:emendation-reading(.)"/>
    <paragraph ids="{$id}-app" classes="apparatus-entry emendation-entry">
      <reference refid="{$id}" classes="em-backref">°</reference>
      <xsl:text> </xsl:text>
      <inline classes="lemma">
        <xsl:value-of select="f:emendation-lemma(.)"/>
      </inline>
      <xsl:text>&#160;] </xsl:text>
      <xsl:call-template name="t:emendation-source"/>
      <xsl:text>; </xsl:text>
      <inline classes="resp"><xsl:value-of select="f:resp-name($reading)"/></inline>
      <xsl:value-of select="($reading/@cert, @cert)[1] ! ('; certainty ' || .)"/>
      <xsl:text> </xsl:text>
      <reference refid="{$id}-list" classes="em-listref">(list)</reference>
    </paragraph>
  </xsl:template>

  <!-- The document's list of emendations (edited reading): one row per emendation, then
       one row per editorial note (t:ednote-list). -->
  <xsl:template name="t:emendation-list">
    <xsl:param name="scope" as="element()" select="."/>
    <xsl:variable name="all" as="element()*" select="f:emendations($scope/text)"/>
    <xsl:variable name="notes" as="element()*"
        select="$scope/text//note[f:is-editorial(.)][not(ancestor::*[f:behaviour(.) = 'hidden'])]"/>
    <xsl:if test="f:edited() and exists($all | $notes)">
      <section ids="{f:key($scope)}-emendations" classes="emendation-list">
        <title>Emendations</title>
        <xsl:if test="exists($all)">
        <paragraph classes="emendation-list-intro">
          <xsl:value-of select="count($all)"/>
          <xsl:text> editorial change</xsl:text><xsl:if test="count($all) ne 1">s</xsl:if>
          <xsl:text> to the text of the source; each row links to its place in the text.</xsl:text>
        </paragraph>
        <table classes="emendations">
          <tgroup cols="6">
            <xsl:for-each select="1 to 6"><colspec colwidth="1"/></xsl:for-each>
            <thead>
              <row>
                <xsl:for-each select="('Place', 'Source page', 'Edited reading', 'Source reading', 'Editor', 'Certainty')">
                  <entry><paragraph><xsl:value-of select="."/></paragraph></entry>
                </xsl:for-each>
              </row>
            </thead>
            <tbody>
              <xsl:for-each select="$all">
                <xsl:variable name="id" as="xs:string" select="f:emendation-id(.)"/>
                <xsl:variable name="reading" as="element()" select="f:emendation-reading(.)"/>
                <xsl:variable name="scope-id" as="xs:string" select="f:id(f:emendation-scope(.))"/>
                <row ids="{$id}-list">
                  <entry><paragraph>
                    <reference refid="{$id}" classes="em-place" anchor="{$scope-id}"><xsl:value-of select="$scope-id"/></reference>
                  </paragraph></entry>
                  <entry><paragraph><xsl:value-of select="f:source-page(.)"/></paragraph></entry>
                  <entry><paragraph>
                    <inline classes="lemma">
                      <xsl:value-of select="f:emendation-lemma(.)"/>
                    </inline>
                    <xsl:text> </xsl:text>
                    <reference refid="{$id}-app" classes="em-appref">°</reference>
                  </paragraph></entry>
                  <entry><paragraph><xsl:call-template name="t:emendation-source"/></paragraph></entry>
                  <entry><paragraph><xsl:value-of select="f:resp-name($reading)"/></paragraph></entry>
                  <entry><paragraph><xsl:value-of select="($reading/@cert, @cert)[1]"/></paragraph></entry>
                </row>
              </xsl:for-each>
            </tbody>
          </tgroup>
        </table>
        </xsl:if>
        <xsl:call-template name="t:ednote-list">
          <xsl:with-param name="notes" select="$notes"/>
          <xsl:with-param name="key" select="f:key($scope)"/>
        </xsl:call-template>
      </section>
    </xsl:if>
  </xsl:template>

  <!-- The editorial notes of the document, listed with their place and text (each links to
       the note in its apparatus), so that the list shows every statement of the editors. -->
  <xsl:template name="t:ednote-list">
    <xsl:param name="notes" as="element()*" required="yes"/>
    <xsl:param name="key" as="xs:string" required="yes"/>
    <xsl:if test="exists($notes)">
      <section ids="{$key}-ednotes" classes="ednote-list">
        <title>Editorial notes</title>
        <paragraph classes="emendation-list-intro">
          <xsl:value-of select="count($notes)"/>
          <xsl:text> editorial note</xsl:text><xsl:if test="count($notes) ne 1">s</xsl:if>
          <xsl:text>: statements of the editors, not of the source (a doubtful or wrong fact with the
            correct one and its basis, a slip inside a quotation, an identification). The text
            stays as printed.</xsl:text>
        </paragraph>
        <table classes="ednotes">
          <tgroup cols="4">
            <xsl:for-each select="1 to 4"><colspec colwidth="1"/></xsl:for-each>
            <thead>
              <row>
                <xsl:for-each select="('Place', 'Source page', 'Note', 'Text')">
                  <entry><paragraph><xsl:value-of select="."/></paragraph></entry>
                </xsl:for-each>
              </row>
            </thead>
            <tbody>
              <xsl:for-each select="$notes">
                <xsl:variable name="scope-id" as="xs:string" select="f:id(f:emendation-scope(.))"/>
                <row ids="{f:id(.)}-list">
                  <entry><paragraph>
                    <reference refid="{f:id(.)}" classes="em-place" anchor="{$scope-id}"><xsl:value-of select="$scope-id"/></reference>
                  </paragraph></entry>
                  <entry><paragraph><xsl:value-of select="f:source-page(.)"/></paragraph></entry>
                  <entry><paragraph>
                    <reference refid="{f:id(.)}" classes="ednote-listref">[<xsl:value-of select="f:note-label(.)"/>]</reference>
                  </paragraph></entry>
                  <entry><paragraph><xsl:value-of select="translate(normalize-space(.), '‟„', '’‘')"/></paragraph></entry>
                </row>
              </xsl:for-each>
            </tbody>
          </tgroup>
        </table>
      </section>
    </xsl:if>
  </xsl:template>

</xsl:stylesheet>
