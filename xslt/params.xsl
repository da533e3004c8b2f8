<?xml version="1.0" encoding="UTF-8"?>
<!-- Every parameter a caller may set, in one place. -->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    exclude-result-prefixes="#all">

  <!-- 'edited' (corrections, regularisations, normalised quotation marks, margin page
       numbers) or 'diplomatic' (the source as printed: sic, orig, fw, line-end hyphens). -->
  <xsl:param name="reading" as="xs:string" select="'edited'"/>

  <!-- The document key (id prefix), e.g. 'dikova'. Empty: taken from TEI/@n or TEI/@xml:id. -->
  <xsl:param name="doc-key" as="xs:string" select="''"/>

  <!-- Prefix of links into the registers (persons, places, orgs, bibliography). The Sphinx extension
       rewrites these links for each builder; standalone output uses them as written. -->
  <xsl:param name="register-base" as="xs:string" select="''"/>

  <!-- What a footnote shows when the source lost its text (gap reason="not-in-source"). -->
  <xsl:param name="missing-note-text" as="xs:string"
      select="'[note text not preserved in the source]'"/>

  <!-- The permalink sign after each paragraph. -->
  <xsl:param name="permalink-sign" as="xs:string" select="'¶'"/>

</xsl:stylesheet>
