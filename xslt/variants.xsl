<?xml version="1.0" encoding="UTF-8"?>
<!--
  The critical apparatus of variant readings (TEI Guidelines ch. 12, parallel segmentation).

  In the text an app shows its lemma only (lem; without a lem, its first reading). Its
  entry goes to the apparatus of the line or paragraph that holds it (t:apparatus, the
  edition's parallel apparatus column), as

      {line} lemma sigla ] reading sigla; reading sigla (witDetail) …

  with the sigla resolved through the file's listWit (witness/@n, its label, else the
  pointer without '#') and linked to the conspectus siglorum (entries.xsl); @source
  resolved through listBibl. An empty reading is "om."; readings of whole lines show the
  lines' numbers. Notes inside an app keep their callout: in the entry, after the reading
  they point to (@target) or stand in. An app that holds whole lines (lem with l) is a
  block: its lines stand in the text, its entry follows them. An app of a listApp (an
  apparatus written apart from the text, EpiDoc) is shown as its entry where it stands.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:f="urn:kirov-edition:function"
    xmlns:fp="urn:kirov-edition:function:private"
    xmlns:m="urn:kirov-edition:mode"
    xmlns:t="urn:kirov-edition:template"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all">

  <xsl:key name="f:apps-by-owner" use="f:owner(.) ! generate-id(.)"
      match="app[not(f:is-block(.)) and not(parent::listApp)][not(ancestor::*[f:behaviour(.) = 'hidden'])]"/>
  <xsl:key name="f:witness-by-n" match="witness[@n]" use="normalize-space(@n)"/>

  <!-- The reading an app shows in the text: its lem, else its first reading. -->
  <xsl:function name="f:app-text" as="element()?">
    <xsl:param name="app" as="element(app)"/>
    <xsl:sequence select="($app/lem, $app/(rdg | rdgGrp/rdg)[not(fp:only-copies(.))])[1]"/>
  </xsl:function>

  <!-- A reading made of nothing but pointers to lines elsewhere (l copyOf) or nothing at all. -->
  <xsl:function name="fp:only-copies" as="xs:boolean">
    <xsl:param name="rdg" as="element()"/>
    <xsl:sequence select="not(normalize-space($rdg))"/>
  </xsl:function>

  <!-- ===== In the text ===== -->

  <xsl:template match="app" mode="m:docutils">
    <xsl:variable name="shown" as="element()?" select="f:app-text(.)"/>
    <xsl:choose>
      <xsl:when test="parent::listApp">
        <xsl:apply-templates select="." mode="m:apparatus"/>
        <xsl:call-template name="t:apparatus"/>
      </xsl:when>
      <xsl:when test="f:is-block(.)">
        <container ids="{f:id(.)}" classes="{f:classes(., 'app')}">
          <xsl:call-template name="t:flow">
            <xsl:with-param name="nodes" select="$shown/node()"/>
          </xsl:call-template>
          <xsl:call-template name="t:apparatus"/>
        </container>
      </xsl:when>
      <xsl:otherwise>
        <inline ids="{f:id(.)}" classes="{f:classes(., 'app')}">
          <xsl:apply-templates select="$shown/node()" mode="m:docutils"/>
        </inline>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- An apparatus written apart from the text: a list of entries. -->
  <xsl:template match="listApp" mode="m:docutils">
    <container classes="{f:classes(., 'listapp')}">
      <xsl:if test="@xml:id"><xsl:attribute name="ids" select="f:id(.)"/></xsl:if>
      <xsl:call-template name="t:flow">
        <xsl:with-param name="nodes" select="node()"/>
      </xsl:call-template>
    </container>
  </xsl:template>

  <!-- Readings, groups and details stand in the entry; lem only reaches the text through its app. -->
  <xsl:template match="rdg | rdgGrp | witDetail" mode="m:docutils"/>

  <xsl:template match="lem" mode="m:docutils">
    <inline classes="lem"><xsl:apply-templates mode="m:docutils"/></inline>
  </xsl:template>

  <!-- Where a witness or a lacuna begins or ends: a marker in the text and the entry. -->
  <xsl:template match="witStart | witEnd | lacunaStart | lacunaEnd" mode="m:docutils">
    <xsl:variable name="sigla" as="xs:string*" select="fp:sigla-text((@wit, ancestor::*[@wit][1]/@wit)[1])"/>
    <inline classes="{f:classes(., lower-case(local-name()))}">
      <xsl:value-of select="'⸢' || string-join(($sigla[. ne ''][1] ! string-join($sigla, ' '),
          map {'witStart': 'begins', 'witEnd': 'ends', 'lacunaStart': 'lacuna begins',
               'lacunaEnd': 'lacuna ends'}(local-name())), ' ') || '⸣'"/>
    </inline>
  </xsl:template>

  <!-- Text the editors mark as superfluous or secluded: braces and brackets around it. -->
  <xsl:template match="surplus | secl" mode="m:docutils">
    <xsl:choose>
      <xsl:when test="f:is-block(.)">
        <xsl:call-template name="t:container"/>
      </xsl:when>
      <xsl:otherwise>
        <inline classes="{f:classes(., local-name())}">
          <xsl:value-of select="if (self::surplus) then '{' else '['"/>
          <xsl:apply-templates mode="m:docutils"/>
          <xsl:value-of select="if (self::surplus) then '}' else ']'"/>
        </inline>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Relations between readings (which one explains the other) and the editors' certainty:
       "intrinsic: 1 > 2 (RatingC)", "certainty 0.6667 (1)". -->
  <xsl:template match="listRelation" mode="m:docutils">
    <inline classes="{f:classes(., 'listrelation')}">
      <xsl:value-of select="@type ! (. || ': ')"/>
      <xsl:for-each select="relation">
        <xsl:if test="position() gt 1"><xsl:text>; </xsl:text></xsl:if>
        <xsl:apply-templates select="." mode="m:docutils"/>
      </xsl:for-each>
    </inline>
    <xsl:text> </xsl:text>
  </xsl:template>

  <xsl:template match="relation" mode="m:docutils">
    <inline classes="relation">
      <xsl:value-of select="string-join((
          string-join((@active, @mutual, @name)[normalize-space()], ' ') || (@passive ! (' &gt; ' || .)),
          (@ana, @notBefore ! ('after ' || .))[normalize-space()] ! ('(' || replace(normalize-space(.), '#', '') || ')')), ' ')"/>
      <xsl:apply-templates mode="m:docutils"/>
    </inline>
  </xsl:template>

  <xsl:template match="certainty" mode="m:docutils">
    <inline classes="certainty">
      <xsl:value-of select="string-join(('certainty', @degree, @cert, @target ! ('(' || replace(normalize-space(.), '#', '') || ')'))[normalize-space()], ' ')"/>
      <xsl:apply-templates mode="m:docutils"/>
    </inline>
    <xsl:text> </xsl:text>
  </xsl:template>

  <!-- ===== The entry ===== -->

  <xsl:template match="app" mode="m:apparatus">
    <xsl:variable name="shown" as="element()?" select="f:app-text(.)"/>
    <xsl:variable name="readings" as="element()*" select="(rdg | rdgGrp) except $shown"/>
    <xsl:variable name="line" as="xs:string?" select="fp:line-label(.)"/>
    <paragraph ids="{f:id(.)}-app" classes="apparatus-entry app-entry">
      <xsl:choose>
        <xsl:when test="parent::listApp">
          <xsl:if test="@xml:id"><xsl:attribute name="ids" select="f:id(.)"/></xsl:if>
          <xsl:if test="$line"><inline classes="app-line"><xsl:value-of select="$line"/></inline><xsl:text> </xsl:text></xsl:if>
        </xsl:when>
        <xsl:otherwise>
          <reference refid="{f:id(.)}" classes="app-backref"><xsl:value-of select="($line, '↑')[1]"/></reference>
          <xsl:text> </xsl:text>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:if test="$shown">
        <xsl:call-template name="t:reading">
          <xsl:with-param name="reading" select="$shown"/>
          <xsl:with-param name="lemma" select="not(parent::listApp)"/>
        </xsl:call-template>
        <xsl:if test="exists($readings | witDetail)"><xsl:text>&#160;] </xsl:text></xsl:if>
      </xsl:if>
      <xsl:for-each select="$readings">
        <xsl:if test="position() gt 1"><xsl:text>; </xsl:text></xsl:if>
        <xsl:apply-templates select="." mode="m:reading">
          <xsl:with-param name="added" select="exists($shown) and not(normalize-space($shown))"/>
        </xsl:apply-templates>
      </xsl:for-each>
      <xsl:for-each select="witDetail[empty(fp:detail-readings(.))]">
        <xsl:text>; </xsl:text>
        <xsl:call-template name="t:wit-detail"/>
      </xsl:for-each>
      <!-- Notes of the app that point to no reading: their callouts close the entry. -->
      <xsl:for-each select="note[empty(fp:note-reading(.))]">
        <xsl:text> </xsl:text>
        <xsl:apply-templates select="." mode="m:docutils"/>
      </xsl:for-each>
    </paragraph>
  </xsl:template>

  <xsl:template match="rdgGrp" mode="m:reading">
    <xsl:param name="added" as="xs:boolean" select="false()"/>
    <inline classes="{f:classes(., 'rdggrp')}">
      <xsl:for-each select="rdg | rdgGrp">
        <xsl:if test="position() gt 1"><xsl:text>, </xsl:text></xsl:if>
        <xsl:apply-templates select="." mode="m:reading">
          <xsl:with-param name="added" select="$added"/>
        </xsl:apply-templates>
      </xsl:for-each>
      <xsl:call-template name="t:sigla"/>
    </inline>
  </xsl:template>

  <xsl:template match="rdg" mode="m:reading">
    <xsl:param name="added" as="xs:boolean" select="false()"/>
    <xsl:if test="$added and normalize-space()"><inline classes="app-term">add. </inline></xsl:if>
    <xsl:call-template name="t:reading">
      <xsl:with-param name="reading" select="."/>
    </xsl:call-template>
  </xsl:template>

  <!-- A reading (or the lemma) with its sigla, its details and the callouts of its notes. -->
  <xsl:template name="t:reading">
    <xsl:param name="reading" as="element()" required="yes"/>
    <xsl:param name="lemma" as="xs:boolean" select="false()"/>
    <!-- Its own lines and markers, not those of a reading of an app inside it. -->
    <xsl:variable name="own" as="element()*"
        select="$reading//(l | secl | surplus)[ancestor::*[self::lem | self::rdg][1] is $reading]"/>
    <xsl:variable name="lines" as="element(l)*" select="$own/self::l"/>
    <inline classes="{f:classes($reading, if ($lemma) then 'lemma' else 'reading')}">
      <xsl:choose>
        <xsl:when test="exists($lines)">
          <xsl:value-of select="fp:lines-label($lines)"/>
          <xsl:if test="$own/self::secl"> secl.</xsl:if>
          <xsl:if test="$own/self::surplus"> del.</xsl:if>
        </xsl:when>
        <xsl:when test="not(normalize-space($reading)) and empty($reading//(gap | witStart | witEnd | lacunaStart | lacunaEnd))">
          <inline classes="app-term"><xsl:value-of select="if ($lemma) then '—' else 'om.'"/></inline>
        </xsl:when>
        <xsl:when test="$lemma">
          <xsl:value-of select="fp:short(fp:plain($reading))"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:apply-templates select="$reading/node()" mode="m:docutils"/>
        </xsl:otherwise>
      </xsl:choose>
    </inline>
    <xsl:for-each select="$reading">
      <xsl:call-template name="t:sigla"/>
    </xsl:for-each>
    <xsl:for-each select="$reading/../witDetail[fp:detail-readings(.) intersect $reading]">
      <xsl:text> (</xsl:text>
      <xsl:call-template name="t:wit-detail"/>
      <xsl:text>)</xsl:text>
    </xsl:for-each>
    <xsl:for-each select="$reading/../note[fp:note-reading(.) is $reading]">
      <xsl:apply-templates select="." mode="m:docutils"/>
    </xsl:for-each>
  </xsl:template>

  <!-- The sigla of @wit and the sources of @source, each a link to its list entry when there is one. -->
  <xsl:template name="t:sigla">
    <xsl:variable name="holder" as="element()" select="."/>
    <xsl:for-each select="tokenize(normalize-space(@wit)), tokenize(normalize-space(@source))">
      <xsl:variable name="entry" as="element()?" select="fp:siglum-entry($holder, .)"/>
      <xsl:variable name="label" as="xs:string" select="fp:siglum-label($entry, .)"/>
      <xsl:text> </xsl:text>
      <xsl:choose>
        <xsl:when test="$entry/@xml:id">
          <reference refid="{f:id($entry)}" classes="siglum {local-name($entry)}"><xsl:value-of select="$label"/></reference>
        </xsl:when>
        <xsl:otherwise>
          <inline classes="siglum"><xsl:value-of select="$label"/></inline>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each>
  </xsl:template>

  <xsl:template name="t:wit-detail">
    <inline classes="{f:classes(., 'witdetail')}">
      <xsl:value-of select="string-join((@type, @cause)[normalize-space()], ', ')"/>
      <xsl:if test="@type | @cause"><xsl:text>:</xsl:text></xsl:if>
      <xsl:call-template name="t:sigla"/>
      <xsl:if test="normalize-space()">
        <xsl:text> </xsl:text>
        <xsl:apply-templates mode="m:docutils"/>
      </xsl:if>
    </inline>
  </xsl:template>

  <!-- ===== Functions ===== -->

  <!-- The witness or bibl a siglum token names: by id (#N, N), else by witness/@n. -->
  <xsl:function name="fp:siglum-entry" as="element()?">
    <xsl:param name="context" as="element()"/>
    <xsl:param name="token" as="xs:string"/>
    <xsl:variable name="bare" as="xs:string" select="replace($token, '^#', '')"/>
    <xsl:sequence select="(id($bare, root($context))[self::witness | self::bibl | self::biblStruct | self::person | self::org],
                           key('f:witness-by-n', $bare, root($context)))[1]"/>
  </xsl:function>

  <!-- How a siglum is shown: the witness's @n or label, a bibl's @n or author, else the token without '#'. -->
  <xsl:function name="fp:siglum-label" as="xs:string">
    <xsl:param name="entry" as="element()?"/>
    <xsl:param name="token" as="xs:string"/>
    <xsl:sequence select="(($entry/@n, $entry/label, $entry/abbr, $entry/(author, editor, persName)[1],
                            $entry/@xml:id) ! normalize-space(string(.)), replace($token, '^#', ''))[. ne ''][1]"/>
  </xsl:function>

  <xsl:function name="fp:sigla-text" as="xs:string*">
    <xsl:param name="wit" as="attribute()?"/>
    <xsl:sequence select="for $t in tokenize(normalize-space($wit)) return fp:siglum-label(fp:siglum-entry($wit/.., $t), $t)"/>
  </xsl:function>

  <!-- The readings a witDetail describes: @target by id, or by the readings' @n. -->
  <xsl:function name="fp:detail-readings" as="element()*">
    <xsl:param name="detail" as="element()"/>
    <xsl:variable name="targets" as="xs:string*" select="tokenize(normalize-space($detail/@target)) ! replace(., '^#', '')"/>
    <xsl:sequence select="$detail/../(rdg | lem | rdgGrp/rdg)[@xml:id = $targets or normalize-space(@n) = $targets]"/>
  </xsl:function>

  <!-- The reading a note of an app points to (@target), if it is one of the app's. -->
  <xsl:function name="fp:note-reading" as="element()?">
    <xsl:param name="note" as="element(note)"/>
    <xsl:variable name="targets" as="xs:string*" select="tokenize(normalize-space($note/@target)) ! replace(., '^#', '')"/>
    <xsl:sequence select="$note/../(lem | rdg | rdgGrp/rdg)[@xml:id = $targets][1]"/>
  </xsl:function>

  <!-- Where the app stands: its line's number, or the span of lines it holds, or its @loc. -->
  <xsl:function name="fp:line-label" as="xs:string?">
    <xsl:param name="app" as="element(app)"/>
    <xsl:sequence select="($app/@loc ! normalize-space(.),
                           $app[not(f:is-block(.))]/ancestor::l[@n][1] ! normalize-space(@n))[. ne ''][1]"/>
  </xsl:function>

  <!-- "ll. 8–11": the numbers of lines, their own or those of the lines they copy. -->
  <xsl:function name="fp:lines-label" as="xs:string">
    <xsl:param name="lines" as="element(l)+"/>
    <xsl:variable name="n" as="xs:string*" select="for $l in $lines return
        normalize-space(($l/@n, id(replace(normalize-space($l/@copyOf), '^#', ''), root($l))/@n, '?')[1])"/>
    <xsl:sequence select="if (count($n) eq 1) then 'l. ' || $n else 'll. ' || $n[1] || '–' || $n[last()]"/>
  </xsl:function>

  <!-- A reading's words as the reader sees them in the text: no notes, no other readings. -->
  <xsl:function name="fp:plain" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="hidden" as="element()*"
        select="$e//(note | rdg | rdgGrp | witDetail | (if (f:edited()) then (sic | orig | abbr) else (corr | reg | expan | ex)))"/>
    <!-- The last text of a w followed by another w ends a word (the source writes no space). -->
    <xsl:sequence select="normalize-space(string-join($e//text()[empty(ancestor::* intersect $hidden)]
        ! (if (ancestor::w[1][following-sibling::node()[1][self::w]]/descendant::text()[last()] is .)
           then . || ' ' else string(.))))"/>
  </xsl:function>

  <!-- A long lemma is cited by its first and last words. -->
  <xsl:function name="fp:short" as="xs:string">
    <xsl:param name="s" as="xs:string"/>
    <xsl:variable name="w" as="xs:string*" select="tokenize($s)"/>
    <xsl:sequence select="if (count($w) le 6) then $s
                          else string-join($w[position() le 2], ' ') || ' … ' || string-join($w[position() ge last() - 1], ' ')"/>
  </xsl:function>

</xsl:stylesheet>
