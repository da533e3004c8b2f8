<?xml version="1.0" encoding="UTF-8"?>
<!--
  Footnotes and editorial notes.

  At its place in the text a note leaves a callout (footnote_reference); its text
  goes to the apparatus of the block that owns it (see t:apparatus), as a docutils
  footnote. Callout and note link both ways: callout id = {note id}-ref, note id =
  the note's xml:id. Footnotes keep the source's number as label; editorial notes
  are lettered (a, b, …) and shown in the edited reading only.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:f="urn:kirov-edition:function"
    xmlns:m="urn:kirov-edition:mode"
    xmlns:t="urn:kirov-edition:template"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all">

  <xsl:function name="f:is-editorial" as="xs:boolean">
    <xsl:param name="note" as="element(note)"/>
    <xsl:sequence select="$note/@type = 'editorial'"/>
  </xsl:function>

  <!-- Editorial notes belong to the edited reading; the source's notes to both. -->
  <xsl:function name="f:shows-note" as="xs:boolean">
    <xsl:param name="note" as="element(note)"/>
    <xsl:sequence select="f:edited() or not(f:is-editorial($note))"/>
  </xsl:function>

  <!-- Does the note consist of nothing but the record that the source lost its text? -->
  <xsl:function name="f:is-missing" as="xs:boolean">
    <xsl:param name="note" as="element(note)"/>
    <xsl:sequence select="exists($note/gap[@reason = 'not-in-source'])
        and normalize-space(string-join($note/text())) eq ''
        and empty($note/*[not(self::gap)])"/>
  </xsl:function>

  <xsl:function name="f:note-label" as="xs:string">
    <xsl:param name="note" as="element(note)"/>
    <xsl:choose>
      <xsl:when test="normalize-space($note/@n)">
        <xsl:sequence select="normalize-space($note/@n)"/>
      </xsl:when>
      <xsl:when test="f:is-editorial($note)">
        <xsl:variable name="n" as="xs:integer"
            select="count($note/preceding::note[f:is-editorial(.)]) + 1"/>
        <xsl:number value="$n" format="a"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:sequence select="string(count($note/preceding::note[not(f:is-editorial(.))]) + 1)"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:function>

  <xsl:function name="f:note-classes" as="xs:string">
    <xsl:param name="note" as="element(note)"/>
    <xsl:sequence select="f:classes($note, (
        if (f:is-editorial($note)) then 'ednote' else 'fn',
        if (f:is-missing($note)) then 'missing' else ()))"/>
  </xsl:function>

  <!-- The callout, where the note stands in the text. -->
  <xsl:template match="note[not(f:is-block(.))]" mode="m:docutils">
    <xsl:if test="f:shows-note(.)">
      <footnote_reference ids="{f:id(.)}-ref" refid="{f:id(.)}"
          classes="{if (f:is-editorial(.)) then 'ednote-ref' else 'fn-ref'}">
        <xsl:value-of select="f:note-label(.)"/>
      </footnote_reference>
    </xsl:if>
  </xsl:template>

  <!-- A note standing between blocks: its callout on a line of its own where it stands, then
       its apparatus entry. -->
  <xsl:template match="note[f:is-block(.)]" mode="m:docutils">
    <xsl:if test="f:shows-note(.)">
      <paragraph classes="note-callout">
        <footnote_reference ids="{f:id(.)}-ref" refid="{f:id(.)}"
            classes="{if (f:is-editorial(.)) then 'ednote-ref' else 'fn-ref'}">
          <xsl:value-of select="f:note-label(.)"/>
        </footnote_reference>
      </paragraph>
      <container classes="apparatus">
        <xsl:apply-templates select="." mode="m:apparatus"/>
      </container>
    </xsl:if>
  </xsl:template>

  <xsl:template match="note" mode="m:apparatus">
    <footnote ids="{f:id(.)}" classes="{f:note-classes(.)}" backrefs="{f:id(.)}-ref">
      <label><xsl:value-of select="f:note-label(.)"/></label>
      <xsl:call-template name="t:flow">
        <xsl:with-param name="nodes" select="node(), f:continuations(.) ! node()"/>
      </xsl:call-template>
      <xsl:call-template name="t:apparatus"/>
    </footnote>
  </xsl:template>

  <!-- A note the source splits across pages (next/prev): its parts after the first are read
       as part of the first, which has the callout; where they stand they leave nothing. -->
  <xsl:function name="f:continuations" as="element(note)*">
    <xsl:param name="note" as="element(note)"/>
    <xsl:variable name="next" as="element(note)?"
        select="$note/@next ! id(replace(normalize-space(.), '^#', ''), root($note))[self::note][1]"/>
    <xsl:sequence select="if ($next and $next >> $note) then ($next, f:continuations($next)) else ()"/>
  </xsl:function>

  <xsl:function name="f:is-continuation" as="xs:boolean">
    <xsl:param name="note" as="element(note)"/>
    <xsl:sequence select="exists($note/@prev ! id(replace(normalize-space(.), '^#', ''), root($note))
                                 [self::note][. &lt;&lt; $note])"/>
  </xsl:function>

  <xsl:template match="note[@prev][f:is-continuation(.)]" mode="m:docutils m:apparatus" priority="2"/>

</xsl:stylesheet>
