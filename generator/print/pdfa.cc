#include "print/pdfa.h"

#include <fmt/format.h>
#include <hb-subset.h>
#include <hb.h>

#include <cmath>
#include <memory>
#include <mutex>
#include <optional>
#include <qpdf/Buffer.hh>
#include <qpdf/Pl_Buffer.hh>
#include <qpdf/Pl_Flate.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFWriter.hh>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include "core/text.h"
#include "print/fonts.h"
#include "print/icc.h"

namespace jp {
namespace {

using Obj = QPDFObjectHandle;

std::string stream_bytes(Obj stream) {
  auto buf = stream.getStreamData(qpdf_dl_generalized);
  return std::string(reinterpret_cast<const char*>(buf->getBuffer()), buf->getSize());
}

/// Deflated bytes, made once per process for equal input. libharu writes a font's program
/// (the glyphs a document draws) and its glyph map into every document, and the documents of
/// one build mostly draw the same letters: the 35 class journals of the large school
/// deflated the same ~470 KB program each, a third of the archive's deflate time (measured).
/// zlib's output depends on the bytes only, so a shared copy is what each would have made.
/// Found by its size and ends, then compared byte for byte (a digest of every program of
/// every document cost half of what the sharing saved).
std::shared_ptr<Buffer> deflated_once(std::string_view data) {
  struct Made {
    std::string input;
    std::shared_ptr<Buffer> output;
  };
  static std::mutex m;
  static std::unordered_multimap<size_t, Made> cache;
  static size_t held = 0;
  constexpr size_t kMaxHeld = 64 << 20;  // a build's few fonts; bounded for a long process
  // The size and both ends pick the candidates (a hash of the whole would cost as much as
  // the comparison that follows anyway).
  const size_t edge = std::min<size_t>(data.size(), 4096);
  const size_t key = std::hash<std::string_view>{}(data.substr(0, edge)) ^
                     std::hash<std::string_view>{}(data.substr(data.size() - edge)) * 31 ^
                     data.size();
  {
    std::lock_guard<std::mutex> lock(m);
    auto [from, to] = cache.equal_range(key);
    for (auto it = from; it != to; ++it)
      if (it->second.input == data) return it->second.output;
  }
  Pl_Buffer out("flate");
  Pl_Flate flate("flate", &out, Pl_Flate::a_deflate);
  flate.write(reinterpret_cast<const unsigned char*>(data.data()), data.size());
  flate.finish();
  std::shared_ptr<Buffer> made = out.getBufferSharedPointer();
  std::lock_guard<std::mutex> lock(m);
  if (held + data.size() + made->getSize() <= kMaxHeld) {
    cache.emplace(key, Made{std::string(data), made});
    held += data.size() + made->getSize();
  }
  return made;
}

/// A new deflated stream of `data` (the fonts' maps, the colour profile: mostly the same in
/// every document, so through deflated_once).
Obj flate_stream(QPDF& pdf, std::string_view data) {
  Obj s = pdf.newStream();
  s.replaceStreamData(deflated_once(data), Obj::newName("/FlateDecode"), Obj::newNull());
  return s;
}

/// Deflates the streams of a font that libharu left unfiltered: it compresses pages and
/// images itself (HPDF_COMP_TEXT, HPDF_COMP_IMAGE) but not the fonts' programs and maps,
/// which are deflated here once per process (deflated_once). Walked from the font as the
/// pages use it, after fix_font: the streams it replaced are not written, and stay out of
/// the cache.
void deflate_font_streams(Obj font, std::set<QPDFObjGen>& seen) {
  std::vector<Obj> todo{font};
  while (!todo.empty()) {
    Obj o = todo.back();
    todo.pop_back();
    if (o.isIndirect() && !seen.insert(o.getObjGen()).second) continue;
    if (o.isArray()) {
      for (int i = 0, n = o.getArrayNItems(); i < n; ++i) todo.push_back(o.getArrayItem(i));
      continue;
    }
    Obj dict = o.isStream() ? o.getDict() : o;
    if (!dict.isDictionary()) continue;
    for (const auto& key : dict.getKeys()) todo.push_back(dict.getKey(key));
    if (o.isStream() && !dict.hasKey("/Filter"))
      o.replaceStreamData(deflated_once(stream_bytes(o)), Obj::newName("/FlateDecode"),
                          Obj::newNull());
  }
}

unsigned be16(const std::string& s, size_t at) {
  return at + 2 <= s.size() ? unsigned((unsigned char)s[at]) << 8 | (unsigned char)s[at + 1] : 0;
}
unsigned long be32(const std::string& s, size_t at) {
  return (unsigned long)be16(s, at) << 16 | be16(s, at + 2);
}

/// The height of capital letters in glyph space (1/1000 em) from the TrueType program's
/// `OS/2` table (sCapHeight exists from version 2 on); none if the font does not say.
std::optional<int> cap_height(const std::string& ttf) {
  size_t head = 0, os2 = 0, os2_len = 0;
  for (unsigned i = 0, n = be16(ttf, 4); i < n; ++i) {
    size_t rec = 12 + 16 * size_t(i);
    std::string tag = ttf.substr(std::min(rec, ttf.size()), 4);
    if (tag == "head") head = be32(ttf, rec + 8);
    if (tag == "OS/2") os2 = be32(ttf, rec + 8), os2_len = be32(ttf, rec + 12);
  }
  unsigned upem = head ? be16(ttf, head + 18) : 0;
  if (!upem || !os2 || os2_len < 90 || be16(ttf, os2) < 2) return std::nullopt;
  int cap = int16_t(be16(ttf, os2 + 88));
  return int(std::lround(cap * 1000.0 / upem));
}

/// A ToUnicode map for libharu's UTF-8 fonts: their CIDs are the UTF-16 code units of the
/// text, so each CID the font maps to a glyph stands for itself. Ranges keep to one high
/// byte (the CMap syntax varies only the last byte of a range) and 100 to a block.
std::string to_unicode_cmap(const std::vector<bool>& present) {
  std::vector<std::pair<unsigned, unsigned>> ranges;
  for (unsigned c = 1; c < present.size(); ++c) {
    if (!present[c] || (c >= 0xD800 && c <= 0xDFFF)) continue;
    if (!ranges.empty() && ranges.back().second + 1 == c && (c & 0xFF) != 0)
      ranges.back().second = c;
    else
      ranges.emplace_back(c, c);
  }
  std::string out =
      "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
      "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
      "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
  for (size_t i = 0; i < ranges.size(); i += 100) {
    size_t n = std::min<size_t>(100, ranges.size() - i);
    out += fmt::format("{} beginbfrange\n", n);
    for (size_t k = i; k < i + n; ++k)
      out += fmt::format("<{:04X}> <{:04X}> <{:04X}>\n", ranges[k].first, ranges[k].second,
                         ranges[k].first);
    out += "endbfrange\n";
  }
  out += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
  return out;
}

/// The glyphs `gids` of the font file, at their own glyph ids (the CIDToGIDMap points at
/// them), without the layout tables a PDF reader never uses: what a fallback font embeds.
std::string subset_font(const std::string& file, const std::vector<unsigned>& gids) {
  hb_blob_t* blob = hb_blob_create_from_file_or_fail(file.c_str());
  if (!blob) throw std::runtime_error("cannot read the font " + file);
  hb_face_t* face = hb_face_create(blob, 0);
  hb_subset_input_t* in = hb_subset_input_create_or_fail();
  if (!in) throw std::runtime_error("out of memory subsetting the font " + file);
  hb_set_t* glyphs = hb_subset_input_glyph_set(in);
  hb_set_add(glyphs, 0);
  for (unsigned g : gids) hb_set_add(glyphs, g);
  hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_RETAIN_GIDS);
  hb_set_t* drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
  for (const char* t : {"GSUB", "GPOS", "GDEF", "BASE", "JSTF", "morx", "kern", "vhea", "vmtx"})
    hb_set_add(drop, HB_TAG(t[0], t[1], t[2], t[3]));
  hb_face_t* sub = hb_subset_or_fail(face, in);
  hb_subset_input_destroy(in);
  std::string out;
  if (sub) {
    hb_blob_t* b = hb_face_reference_blob(sub);
    unsigned n = 0;
    const char* data = hb_blob_get_data(b, &n);
    out.assign(data, n);
    hb_blob_destroy(b);
    hb_face_destroy(sub);
  }
  hb_face_destroy(face);
  hb_blob_destroy(blob);
  if (out.empty()) throw std::runtime_error("hb-subset failed on the font " + file);
  return out;
}

std::string utf16_hex(const std::string& utf8) {
  std::string out;
  for (size_t i = 0; i < utf8.size();) {
    unsigned cp = next_cp(utf8, i);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out += fmt::format("{:04X}{:04X}", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
    } else {
      out += fmt::format("{:04X}", cp);
    }
  }
  return out;
}

/// CIDSet (PDF/A-1 6.3.5, required of a subset): a bit per CID, the high bit first.
std::string cid_set(const std::vector<bool>& present) {
  std::string bits((present.size() + 7) / 8, '\0');
  for (size_t c = 0; c < present.size(); ++c)
    if (present[c]) bits[c / 8] = char(bits[c / 8] | (0x80 >> (c % 8)));
  return bits;
}

/// A fallback font (print/fonts.h) as libharu wrote it for private-use text: its CIDs are
/// ours, so the glyph map, the widths, ToUnicode, CIDSet and the font program come from the
/// table of what was drawn.
void fix_fallback_font(QPDF& pdf, Obj font, Obj cid, const FallbackFont& fb) {
  unsigned last = 0;
  for (const auto& g : fb.glyphs) last = std::max(last, g.cid);
  std::string map(2 * (size_t(last) + 1), '\0');
  std::vector<bool> present(last + 1);
  present[0] = true;
  std::vector<unsigned> gids;
  Obj widths = Obj::newArray();
  std::string bf;
  size_t entries = 0;
  std::string cmap =
      "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
      "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
      "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
  auto flush = [&] {
    if (!entries) return;
    cmap += fmt::format("{} beginbfchar\n{}endbfchar\n", entries, bf);
    bf.clear();
    entries = 0;
  };
  for (const auto& g : fb.glyphs) {
    map[2 * g.cid] = char(g.gid >> 8);
    map[2 * g.cid + 1] = char(g.gid & 0xFF);
    present[g.cid] = true;
    gids.push_back(g.gid);
    widths.appendItem(Obj::newInteger(g.cid));
    widths.appendItem(Obj::newArray({Obj::newInteger(g.width)}));
    if (g.text.empty()) continue;
    bf += fmt::format("<{:04X}> <{}>\n", g.cid, utf16_hex(g.text));
    if (++entries == 100) flush();
  }
  flush();
  cmap += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
  cid.replaceKey("/CIDToGIDMap", flate_stream(pdf, map));
  cid.replaceKey("/W", widths);
  font.replaceKey("/ToUnicode", flate_stream(pdf, cmap));
  Obj fd = cid.getKey("/FontDescriptor");
  if (!fd.isDictionary()) return;
  fd.replaceKey("/CIDSet", flate_stream(pdf, cid_set(present)));
  std::string program = subset_font(fb.file, gids);
  Obj file = flate_stream(pdf, program);
  file.getDict().replaceKey("/Length1", Obj::newInteger(static_cast<long long>(program.size())));
  fd.replaceKey("/FontFile2", file);
  if (!fd.hasKey("/CapHeight")) {
    std::optional<int> cap = cap_height(program);
    fd.replaceKey("/CapHeight", cap ? Obj::newInteger(*cap) : fd.getKey("/Ascent").shallowCopy());
  }
}

/// A Type0 font as libharu writes it, made what PDF/A-1 (6.3) and text extraction want.
void fix_font(QPDF& pdf, Obj font, const std::vector<FallbackFont>* fallbacks) {
  if (!font.isDictionary() || !font.getKey("/Subtype").isNameAndEquals("/Type0")) return;
  Obj cid = font.getKey("/DescendantFonts").getArrayItem(0);
  if (!cid.isDictionary()) return;
  // libharu names the ordering after the encoding ("Identity-H"); Identity-H's is Identity.
  Obj info = Obj::newDictionary();
  info.replaceKey("/Registry", Obj::newString("Adobe"));
  info.replaceKey("/Ordering", Obj::newString("Identity"));
  info.replaceKey("/Supplement", Obj::newInteger(0));
  cid.replaceKey("/CIDSystemInfo", info);
  if (fallbacks && font.getKey("/BaseFont").isName()) {
    std::string name = font.getKey("/BaseFont").getName();
    name = name.substr(name.find('+') == std::string::npos ? 1 : name.find('+') + 1);
    for (const auto& fb : *fallbacks)
      if (!fb.base_name.empty() && fb.base_name == name)
        return fix_fallback_font(pdf, font, cid, fb);
  }

  Obj map = cid.getKey("/CIDToGIDMap");
  if (!map.isStream()) return;  // not libharu's layout: nothing to derive the maps from
  std::string gids = stream_bytes(map);
  std::vector<bool> present(gids.size() / 2);
  for (size_t c = 0; c < present.size(); ++c) present[c] = c == 0 || be16(gids, 2 * c) != 0;
  font.replaceKey("/ToUnicode", flate_stream(pdf, to_unicode_cmap(present)));

  Obj fd = cid.getKey("/FontDescriptor");
  if (!fd.isDictionary()) return;
  fd.replaceKey("/CIDSet", flate_stream(pdf, cid_set(present)));
  if (!fd.hasKey("/CapHeight")) {
    std::optional<int> cap;
    if (Obj file = fd.getKey("/FontFile2"); file.isStream()) cap = cap_height(stream_bytes(file));
    // A font that does not say: its ascent, as readers assume when /CapHeight is missing.
    fd.replaceKey("/CapHeight", cap ? Obj::newInteger(*cap) : fd.getKey("/Ascent").shallowCopy());
  }
}

/// Outline items with direct destinations and no /Type (6.9 of PDF/A-1 refers to PDF 1.4's
/// outline item, which has none; PDFBox cannot convert an indirect /Dest).
void fix_outline_items(Obj item, int depth) {
  std::set<QPDFObjGen> seen;
  for (; item.isDictionary() && depth < 32; item = item.getKey("/Next")) {
    if (!seen.insert(item.getObjGen()).second) break;  // a cycle: leave the rest alone
    item.removeKey("/Type");
    Obj dest = item.getKey("/Dest");
    if (dest.isIndirect()) item.replaceKey("/Dest", dest.shallowCopy());
    fix_outline_items(item.getKey("/First"), depth + 1);
  }
}

std::string pdf_date(const PdfMeta& m) {
  return fmt::format("D:{:04}{:02}{:02}000000+00'00'", m.year, m.month, m.day);
}
std::string xmp_date(const PdfMeta& m) {
  return fmt::format("{:04}-{:02}-{:02}T00:00:00+00:00", m.year, m.month, m.day);
}

std::string xmp_packet(const PdfMeta& m, const std::string& producer) {
  auto alt = [](const char* tag, const std::string& v) {
    return v.empty() ? std::string()
                     : fmt::format(
                           "<{0}><rdf:Alt><rdf:li xml:lang=\"x-default\">{1}</rdf:li>"
                           "</rdf:Alt></{0}>\n",
                           tag, xml_escape(v));
  };
  auto plain = [](const char* tag, const std::string& v) {
    return v.empty() ? std::string() : fmt::format("<{0}>{1}</{0}>\n", tag, xml_escape(v));
  };
  std::string x =
      "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
      "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
      "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
      "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
      "<pdfaid:part>1</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n"
      "</rdf:Description>\n"
      "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
      "<dc:format>application/pdf</dc:format>\n";
  x += alt("dc:title", m.title);
  if (!m.author.empty())
    x += fmt::format("<dc:creator><rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq></dc:creator>\n",
                     xml_escape(m.author));
  x += alt("dc:description", m.subject);
  x += "</rdf:Description>\n"
       "<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n";
  x += plain("xmp:CreatorTool", m.creator);
  if (m.year) x += plain("xmp:CreateDate", xmp_date(m)) + plain("xmp:ModifyDate", xmp_date(m));
  x += "</rdf:Description>\n"
       "<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n";
  x += plain("pdf:Producer", producer);
  x += "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>";
  return x;
}

}  // namespace

std::string make_pdfa(std::string_view bytes, const PdfMeta& meta,
                      const std::vector<FallbackFont>* fallbacks) {
  try {
    QPDF pdf;
    pdf.setSuppressWarnings(true);
    pdf.processMemoryFile(meta.title.c_str(), bytes.data(), bytes.size());
    Obj root = pdf.getRoot();

    std::set<QPDFObjGen> fonts, deflated;
    for (Obj page : pdf.getAllPages()) {
      Obj res = page.getKey("/Resources").getKey("/Font");
      if (!res.isDictionary()) continue;
      for (const auto& key : res.getKeys()) {
        Obj font = res.getKey(key);
        if (!font.isIndirect() || fonts.insert(font.getObjGen()).second) {
          fix_font(pdf, font, fallbacks);
          deflate_font_streams(font, deflated);
        }
      }
    }
    if (Obj outlines = root.getKey("/Outlines"); outlines.isDictionary())
      fix_outline_items(outlines.getKey("/First"), 0);

    // Info and XMP from the same values (6.7.3); the producer is what libharu named.
    Obj old_info = pdf.getTrailer().getKey("/Info");
    std::string producer = old_info.isDictionary() && old_info.getKey("/Producer").isString()
                               ? old_info.getKey("/Producer").getUTF8Value()
                               : std::string();
    Obj info = Obj::newDictionary();
    auto put = [&](const char* key, const std::string& v) {
      if (!v.empty()) info.replaceKey(key, Obj::newUnicodeString(v));
    };
    put("/Title", meta.title);
    put("/Author", meta.author);
    put("/Subject", meta.subject);
    put("/Creator", meta.creator);
    put("/Producer", producer);
    if (meta.year) {
      info.replaceKey("/CreationDate", Obj::newString(pdf_date(meta)));
      info.replaceKey("/ModDate", Obj::newString(pdf_date(meta)));
    }
    pdf.getTrailer().replaceKey("/Info", pdf.makeIndirectObject(info));

    // The XMP packet stays unfiltered (6.7.2: readers that know nothing of PDF find it).
    Obj xmp = pdf.newStream(xmp_packet(meta, producer));
    xmp.getDict().replaceKey("/Type", Obj::newName("/Metadata"));
    xmp.getDict().replaceKey("/Subtype", Obj::newName("/XML"));
    root.replaceKey("/Metadata", xmp);

    Obj icc = flate_stream(pdf, srgb_icc());
    icc.getDict().replaceKey("/N", Obj::newInteger(3));
    Obj intent = Obj::newDictionary();
    intent.replaceKey("/Type", Obj::newName("/OutputIntent"));
    intent.replaceKey("/S", Obj::newName("/GTS_PDFA1"));
    intent.replaceKey("/OutputConditionIdentifier", Obj::newString("sRGB IEC61966-2.1"));
    intent.replaceKey("/Info", Obj::newString("sRGB IEC61966-2.1"));
    intent.replaceKey("/DestOutputProfile", icc);
    root.replaceKey("/OutputIntents", Obj::newArray({intent}));

    QPDFWriter w(pdf);
    w.setOutputMemory();
    // libharu's streams are compressed already: copied as they are, not inflated again.
    w.setStreamDataMode(qpdf_s_preserve);
    // A classic xref table (archive/pdf_sign.cc parses it; PDF/A-1 allows no xref streams).
    w.setObjectStreamMode(qpdf_o_disable);
    w.setNewlineBeforeEndstream(true);  // 6.1.7: an EOL before `endstream`
    w.setMinimumPDFVersion("1.4");
    w.setDeterministicID(true);  // the /ID of 6.1.3, from the content: reproducible bytes
    w.write();
    auto out = w.getBufferSharedPointer();
    return std::string(reinterpret_cast<const char*>(out->getBuffer()), out->getSize());
  } catch (const std::exception& e) {
    throw std::runtime_error(
        fmt::format("cannot make the document \"{}\" PDF/A: {}", meta.title, e.what()));
  }
}

}  // namespace jp
