<?xml version="1.0" encoding="UTF-8"?>
<!--
  Typed functions shared by the modules, and the behaviour table: how each TEI
  element takes part in the layout. The table is the one place that says whether
  an element is a block, an inline or decides by its context.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:map="http://www.w3.org/2005/xpath-functions/map"
    xmlns:f="urn:kirov-edition:function"
    xmlns:fp="urn:kirov-edition:function:private"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all">

  <xsl:variable name="f:tei-ns" as="xs:string" select="'http://www.tei-c.org/ns/1.0'"/>

  <!--
    Behaviours:
      hidden       renders nothing (the header; metadata)
      transparent  its content joins the parent's flow of blocks (text, front, body, back)
      section      a div: a docutils section when it has a head
      block        a container of blocks
      paragraph    a paragraph (inline content; nested blocks split it)
      list, table, figure, item, cell, row   their own modules
      note         a footnote or an editorial note
      flex         a block where blocks are expected, else inline (head, quote, stage …)
      wrapper      a block when it holds blocks, else inline (app, lem: a variant of a word or of lines)
      inline       inline
  -->
  <xsl:variable name="f:behaviours" as="map(xs:string, xs:string)" select="map {
      'teiHeader': 'hidden', 'facsimile': 'hidden', 'standOff': 'hidden',
      'TEI': 'root', 'teiCorpus': 'root',
      'text': 'transparent', 'front': 'transparent', 'body': 'transparent',
      'back': 'transparent', 'group': 'transparent',
      'div': 'section', 'div1': 'section', 'div2': 'section', 'div3': 'section',
      'div4': 'section', 'div5': 'section', 'div6': 'section', 'div7': 'section',
      'p': 'paragraph', 'ab': 'paragraph', 'figDesc': 'paragraph', 'l': 'paragraph',
      'speaker': 'paragraph', 'dateline': 'paragraph', 'salute': 'paragraph',
      'signed': 'paragraph', 'byline': 'paragraph', 'trailer': 'paragraph',
      'titlePart': 'paragraph', 'docImprint': 'paragraph', 'castItem': 'paragraph',
      'opener': 'block', 'closer': 'block', 'epigraph': 'block', 'argument': 'block',
      'postscript': 'block', 'titlePage': 'block', 'docTitle': 'block', 'lg': 'block',
      'sp': 'block', 'castList': 'block', 'castGroup': 'block', 'floatingText': 'block',
      'listBibl': 'block', 'cit': 'block',
      'list': 'list', 'item': 'item', 'table': 'table', 'row': 'row', 'cell': 'cell',
      'figure': 'figure',
      'note': 'note',
      'head': 'flex', 'quote': 'flex', 'stage': 'flex', 'bibl': 'flex', 'label': 'flex',
      'docAuthor': 'flex', 'docDate': 'flex', 'q': 'flex',
      'hi': 'inline', 'emph': 'inline', 'foreign': 'inline', 'term': 'inline',
      'mentioned': 'inline', 'soCalled': 'inline', 'title': 'inline', 'gloss': 'inline',
      'persName': 'inline', 'placeName': 'inline', 'orgName': 'inline', 'name': 'inline',
      'rs': 'inline', 'date': 'inline', 'time': 'inline', 'num': 'inline', 'measure': 'inline',
      'roleName': 'inline', 'forename': 'inline', 'surname': 'inline', 'addName': 'inline',
      'genName': 'inline', 'nameLink': 'inline', 'geogName': 'inline', 'settlement': 'inline',
      'country': 'inline', 'region': 'inline', 'district': 'inline', 'bloc': 'inline',
      'ref': 'inline', 'ptr': 'inline', 'anchor': 'inline', 'seg': 'inline', 'w': 'inline',
      'c': 'inline', 'pc': 'inline', 'abbr': 'inline', 'expan': 'inline', 'ex': 'inline',
      'choice': 'inline', 'sic': 'inline', 'corr': 'inline', 'orig': 'inline', 'reg': 'inline',
      'supplied': 'inline', 'gap': 'inline', 'unclear': 'inline', 'add': 'inline',
      'del': 'inline', 'damage': 'inline', 'space': 'inline',
      'app': 'wrapper', 'lem': 'wrapper', 'rdgGrp': 'wrapper', 'surplus': 'wrapper', 'secl': 'wrapper',
      'rdg': 'inline', 'witDetail': 'inline', 'witStart': 'inline', 'witEnd': 'inline',
      'lacunaStart': 'inline', 'lacunaEnd': 'inline', 'listApp': 'block', 'formula': 'inline', 'graphic': 'inline',
      'pb': 'inline', 'lb': 'inline', 'cb': 'inline', 'milestone': 'inline', 'fw': 'inline',
      'role': 'inline', 'roleDesc': 'inline', 'author': 'inline', 'editor': 'inline',
      'pubPlace': 'inline', 'publisher': 'inline', 'biblScope': 'inline', 'idno': 'inline',
      'said': 'inline', 'lang': 'inline',
      'subst': 'inline', 'g': 'inline', 'am': 'inline', 'metamark': 'inline', 'citedRange': 'inline',
      'listRelation': 'inline', 'relation': 'inline', 'certainty': 'inline'
    }"/>

  <xsl:function name="f:behaviour" as="xs:string" cache="yes">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="if (namespace-uri($e) eq $f:tei-ns)
                          then ($f:behaviours(local-name($e)), 'unknown')[1]
                          else 'unknown'"/>
  </xsl:function>

  <!-- Is this node laid out as a block (rather than flowing inside a paragraph)? -->
  <xsl:function name="f:is-block" as="xs:boolean">
    <xsl:param name="n" as="node()"/>
    <xsl:choose>
      <xsl:when test="not($n instance of element())">
        <xsl:sequence select="false()"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="b" as="xs:string" select="f:behaviour($n)"/>
        <xsl:sequence select="
            if ($b = ('inline')) then false()
            else if ($b = ('note')) then fp:in-block-flow($n)
            else if ($b = ('flex')) then fp:in-block-flow($n) or exists($n/*[f:is-block(.)])
            else if ($b = ('unknown', 'wrapper')) then exists($n/*[f:is-block(.)])
                 (: an app whose readings are whole lines stands between the lines :)
                 or exists($n/self::app/(rdg | rdgGrp/rdg)//l)
                 (: an entry of an apparatus written apart from the text :)
                 or exists($n/self::app[parent::listApp])
            else true()"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:function>

  <!-- Is the parent of $e a flow of blocks (a div, a body), where inline runs become paragraphs? -->
  <xsl:function name="fp:in-block-flow" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="exists($e/parent::*) and
        f:behaviour($e/parent::*) = ('root', 'transparent', 'section', 'block')"/>
  </xsl:function>

  <!-- The element whose apparatus holds a note: its nearest ancestor laid out as a block.
       A table cell is none: what is in a cell has its apparatus under the table. -->
  <xsl:function name="f:owner" as="element()?">
    <xsl:param name="note" as="element()"/>
    <xsl:sequence select="$note/ancestor::*[f:behaviour(.) = ('root', 'transparent', 'section',
        'block', 'paragraph', 'item', 'table', 'note', 'figure')
        or (f:behaviour(.) = ('flex', 'unknown', 'wrapper') and f:is-block(.))
        or (self::head | self::trailer)[parent::table]][1]"/>
  </xsl:function>

  <!-- The document key: the id prefix of page anchors and generated ids. -->
  <xsl:function name="f:key" as="xs:string">
    <xsl:param name="n" as="node()"/>
    <xsl:sequence select="if ($doc-key ne '') then $doc-key
        else (root($n)/*/@n[. ne ''], root($n)/*/@xml:id, 'doc')[1] ! f:id-safe(string(.))"/>
  </xsl:function>

  <!-- An element's id: its xml:id, or for input that has none {key}-{name}{n}, the element
       being the n-th of its name in the document. Both readings (and every run) give an
       element the same id, so the two-readings page can pair them and a link stays valid. -->
  <xsl:function name="f:id" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="if ($e/@xml:id) then string($e/@xml:id)
        else f:key($e) || '-' || local-name($e) || fp:ordinal($e)"/>
  </xsl:function>

  <xsl:accumulator name="fp:ordinals" as="map(xs:string, xs:integer)" initial-value="map {}">
    <xsl:accumulator-rule match="*" phase="start"
        select="map:put($value, local-name(), ($value(local-name()), 0)[1] + 1)"/>
  </xsl:accumulator>

  <xsl:function name="fp:ordinal" as="xs:integer">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="$e/accumulator-before('fp:ordinals')(local-name($e))"/>
  </xsl:function>

  <!-- A string made usable as an HTML id: letters, digits, '-', '_' and '.' only. -->
  <xsl:function name="f:id-safe" as="xs:string">
    <xsl:param name="s" as="xs:string"/>
    <xsl:sequence select="replace(normalize-space($s), '[^\p{L}\p{Nd}_.\-]+', '-')"/>
  </xsl:function>

  <xsl:function name="f:edited" as="xs:boolean">
    <xsl:sequence select="$reading ne 'diplomatic'"/>
  </xsl:function>

  <!-- A reference value (#stalin, stalin, persons.xml#stalin) reduced to its bare id. -->
  <xsl:function name="f:bare-id" as="xs:string">
    <xsl:param name="ref" as="xs:string"/>
    <xsl:sequence select="replace(tokenize(normalize-space($ref), '\s+')[1], '^.*#', '')"/>
  </xsl:function>

  <!-- Classes for an element: its name plus its type/rend, made safe for docutils. -->
  <xsl:function name="f:classes" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:param name="more" as="xs:string*"/>
    <xsl:sequence select="string-join(distinct-values(
        ($more, ($e/@type, $e/@rend) ! tokenize(., '\s+') ! lower-case(f:id-safe(.)))[. ne '']), ' ')"/>
  </xsl:function>

</xsl:stylesheet>
