#include "archive/pdf_sign.h"

#include <fmt/format.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <map>
#include <sstream>

#include "core/files.h"
#include "core/ossl.h"
#include "core/wording.h"

namespace jp {
using namespace ossl;

namespace {

/// A PDF text string for any Unicode text: UTF-16BE with a byte order mark, in hex.
std::string pdf_text_string(const std::string& utf8) {
  std::string be = "\xFE\xFF";
  for (size_t i = 0; i < utf8.size();) {
    unsigned char c = utf8[i];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
    for (size_t k = 1; k < n && i + k < utf8.size(); ++k) cp = (cp << 6) | (utf8[i + k] & 0x3F);
    i += n;
    auto unit = [&](uint32_t u) { be += char(u >> 8), be += char(u & 0xFF); };
    if (cp >= 0x10000) {
      cp -= 0x10000;
      unit(0xD800 + (cp >> 10));
      unit(0xDC00 + (cp & 0x3FF));
    } else {
      unit(cp);
    }
  }
  return "<" + hex_upper(be) + ">";
}

// ---- just enough PDF parsing for libharu's output: a classic xref table, plain
// (uncompressed) dictionaries for the catalog and the pages.

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f'; }
bool is_delim(char c) { return is_space(c) || std::strchr("()<>[]{}/%", c) != nullptr; }

struct PdfFile {
  std::string_view bytes;
  std::map<int, size_t> offsets;  ///< object number -> offset (the newest section wins)
  size_t startxref = 0;
  int size = 0, root = -1, info = -1;
  std::string id;  ///< the trailer's /ID array as written (`[<...> <...>]`), or empty
};

[[noreturn]] void bad(const std::string& what) {
  throw std::runtime_error("cannot sign the PDF: " + what);
}

long long parse_int(std::string_view s, size_t& p) {
  while (p < s.size() && is_space(s[p])) ++p;
  size_t b = p;
  while (p < s.size() && s[p] >= '0' && s[p] <= '9') ++p;
  if (b == p) bad(fmt::format("expected a number at byte {}", b));
  return std::stoll(std::string(s.substr(b, p - b)));
}

/// The object number of `key N 0 R` at the top of a dictionary text, or -1.
int ref_of(std::string_view dict, std::string_view key) {
  size_t p = 0;
  while ((p = dict.find(key, p)) != std::string_view::npos) {
    size_t q = p + key.size();
    if (q < dict.size() && !is_delim(dict[q])) {
      p = q;
      continue;
    }
    int n = int(parse_int(dict, q));
    parse_int(dict, q);
    while (q < dict.size() && is_space(dict[q])) ++q;
    if (q < dict.size() && dict[q] == 'R') return n;
    return -1;
  }
  return -1;
}

/// The extent [begin, end) of the dictionary starting at `p` (`<<` ... `>>`).
std::pair<size_t, size_t> dict_extent(std::string_view s, size_t p) {
  if (s.substr(p, 2) != "<<") bad(fmt::format("expected a dictionary at byte {}", p));
  int depth = 0;
  for (size_t i = p; i + 1 < s.size(); ++i) {
    char c = s[i];
    if (c == '(') {  // a literal string: skip it, with escapes and nested parentheses
      int nest = 0;
      for (; i < s.size(); ++i) {
        if (s[i] == '\\')
          ++i;
        else if (s[i] == '(')
          ++nest;
        else if (s[i] == ')' && --nest == 0)
          break;
      }
    } else if (c == '<' && s[i + 1] == '<') {
      ++depth, ++i;
    } else if (c == '>' && s[i + 1] == '>') {
      ++i;
      if (--depth == 0) return {p, i + 1};
    }
  }
  bad("a dictionary does not end");
}

PdfFile parse_pdf(std::string_view pdf) {
  PdfFile f;
  f.bytes = pdf;
  size_t sx = pdf.rfind("startxref");
  if (sx == std::string_view::npos) bad("no startxref (not a complete PDF)");
  size_t p = sx + 9;
  f.startxref = size_t(parse_int(pdf, p));
  if (f.startxref >= pdf.size() || pdf.substr(f.startxref, 4) != "xref")
    bad("the xref is not a classic table (only libharu's output is supported)");
  p = f.startxref + 4;
  for (;;) {
    while (p < pdf.size() && is_space(pdf[p])) ++p;
    if (pdf.substr(p, 7) == "trailer") break;
    int first = int(parse_int(pdf, p));
    int count = int(parse_int(pdf, p));
    while (p < pdf.size() && is_space(pdf[p])) ++p;
    for (int k = 0; k < count; ++k, p += 20) {
      if (p + 20 > pdf.size()) bad("the xref table is cut short");
      if (pdf[p + 17] == 'n')
        f.offsets[first + k] = size_t(std::stoll(std::string(pdf.substr(p, 10))));
    }
  }
  auto [tb, te] = dict_extent(pdf, pdf.find("<<", p));
  std::string_view trailer = pdf.substr(tb, te - tb);
  if (trailer.find("/Prev") != std::string_view::npos ||
      trailer.find("/Encrypt") != std::string_view::npos)
    bad("the PDF already has updates or is encrypted");
  size_t q = trailer.find("/Size");
  if (q == std::string_view::npos) bad("the trailer has no /Size");
  q += 5;
  f.size = int(parse_int(trailer, q));
  f.root = ref_of(trailer, "/Root");
  f.info = ref_of(trailer, "/Info");
  if (f.root < 0) bad("the trailer has no /Root");
  if (size_t k = trailer.find("/ID"); k != std::string_view::npos) {
    size_t open = trailer.find('[', k), close = trailer.find(']', k);
    if (open != std::string_view::npos && close != std::string_view::npos && open < close)
      f.id = std::string(trailer.substr(open, close - open + 1));
  }
  return f;
}

/// The dictionary text of object `n` (`<< ... >>`).
std::string_view object_dict(const PdfFile& f, int n) {
  auto it = f.offsets.find(n);
  if (it == f.offsets.end()) bad(fmt::format("object {} is not in the xref table", n));
  size_t p = f.bytes.find("obj", it->second);
  if (p == std::string_view::npos) bad(fmt::format("object {} is missing", n));
  p += 3;
  while (p < f.bytes.size() && is_space(f.bytes[p])) ++p;
  auto [b, e] = dict_extent(f.bytes, p);
  return f.bytes.substr(b, e - b);
}

/// The last page: the last kid of the page tree, descending through /Pages nodes.
int last_page(const PdfFile& f) {
  int node = ref_of(object_dict(f, f.root), "/Pages");
  for (int depth = 0; node >= 0 && depth < 32; ++depth) {
    std::string_view d = object_dict(f, node);
    size_t k = d.find("/Kids");
    if (k == std::string_view::npos) return node;  // a page
    size_t open = d.find('[', k), close = d.find(']', k);
    if (open == std::string_view::npos || close == std::string_view::npos) bad("bad /Kids");
    std::string_view kids = d.substr(open + 1, close - open - 1);
    int last = -1;
    size_t p = 0;
    while (true) {
      while (p < kids.size() && is_space(kids[p])) ++p;
      if (p >= kids.size()) break;
      last = int(parse_int(kids, p));
      parse_int(kids, p);
      while (p < kids.size() && (is_space(kids[p]) || kids[p] == 'R')) ++p;
    }
    if (last < 0) bad("the document has no pages");
    node = last;
  }
  bad("cannot find the last page");
}

/// A dictionary with extra entries before its closing `>>`.
std::string with_entries(std::string_view dict, const std::string& entries,
                         const char* must_not_have) {
  if (dict.find(must_not_have) != std::string_view::npos)
    bad(fmt::format("it already has {}", must_not_have));
  return std::string(dict.substr(0, dict.size() - 2)) + entries + "\n>>";
}

std::string pdf_date(long long when) {
  time_t t = time_t(when);
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "D:%Y%m%d%H%M%SZ", &tm);  // UTC
  return buf;
}

std::vector<std::string_view> byte_ranges(std::string_view pdf, std::string& problem) {
  size_t p = pdf.rfind("/ByteRange");
  if (p == std::string_view::npos) {
    problem = "it has no embedded signature";
    return {};
  }
  size_t open = pdf.find('[', p), close = pdf.find(']', p);
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    problem = "its /ByteRange is malformed";
    return {};
  }
  std::istringstream in(std::string(pdf.substr(open + 1, close - open - 1)));
  long long a = -1, b = -1, c = -1, d = -1;
  in >> a >> b >> c >> d;
  if (!in || a != 0 || b <= 0 || c <= b || d < 0 || size_t(c + d) != pdf.size()) {
    problem = size_t(c + d) != pdf.size() && c > b && b > 0
                  ? "the signature does not cover the whole file (bytes were added or removed "
                    "after signing)"
                  : "its /ByteRange is malformed";
    return {};
  }
  if (pdf[size_t(b)] != '<' || pdf[size_t(c) - 1] != '>') {
    problem = "the signature value is not where /ByteRange says";
    return {};
  }
  return {pdf.substr(0, size_t(b)), pdf.substr(size_t(b) + 1, size_t(c - b) - 2),
          pdf.substr(size_t(c))};
}

/// The /DSS (PAdES B-LT: what a validator needs with no network) as object `n` and its
/// streams after it; returns the last object number written.
int append_dss(std::string& out, std::map<int, size_t>& offsets, int n, const ValidationData& vd) {
  int next = n + 1;
  auto streams = [&](const std::vector<std::string>& items) {
    std::string refs;
    for (size_t i = 0; i < items.size(); ++i) refs += fmt::format("{} 0 R ", next + int(i));
    return refs;
  };
  std::string dict = "<< /Type /DSS";
  for (auto [key, items] : {std::pair{"/Certs", &vd.certs}, std::pair{"/CRLs", &vd.crls},
                            std::pair{"/OCSPs", &vd.ocsps}}) {
    if (items->empty()) continue;
    dict += fmt::format(" {} [{}]", key, streams(*items));
    next += int(items->size());
  }
  offsets[n] = out.size();
  out += fmt::format("{} 0 obj\n{} >>\nendobj\n", n, dict);
  int k = n + 1;
  for (const auto* items : {&vd.certs, &vd.crls, &vd.ocsps})
    for (const auto& der : *items) {
      offsets[k] = out.size();
      out += fmt::format("{} 0 obj\n<< /Length {} >>\nstream\n", k, der.size());
      out += der;
      out += "\nendstream\nendobj\n";
      ++k;
    }
  return k - 1;
}

/// The /M of the signature dictionary that holds the last /ByteRange, in seconds (0 when
/// there is none or it does not read as `D:YYYYMMDDHHmmSS` with Z or an offset).
long long signature_date(std::string_view pdf) {
  size_t br = pdf.rfind("/ByteRange");
  size_t obj = pdf.rfind(" obj", br);
  size_t m = pdf.find("/M (D:", obj == std::string_view::npos ? 0 : obj);
  if (br == std::string_view::npos || m == std::string_view::npos || m > br) return 0;
  std::string_view d = pdf.substr(m + 6, 20);
  struct tm tm {};
  if (d.size() < 14 || d.substr(0, 14).find_first_not_of("0123456789") != std::string_view::npos)
    return 0;
  auto num = [&](size_t at, size_t len) { return std::stoi(std::string(d.substr(at, len))); };
  tm.tm_year = num(0, 4) - 1900, tm.tm_mon = num(4, 2) - 1, tm.tm_mday = num(6, 2);
  tm.tm_hour = num(8, 2), tm.tm_min = num(10, 2), tm.tm_sec = num(12, 2);
  long long t = timegm(&tm);
  if (d.size() >= 20 && (d[14] == '+' || d[14] == '-') &&
      d.substr(15, 2).find_first_not_of("0123456789") == std::string_view::npos &&
      d.substr(18, 2).find_first_not_of("0123456789") == std::string_view::npos)
    t -= (d[14] == '+' ? 1 : -1) * (num(15, 2) * 3600 + num(18, 2) * 60);
  return t;
}

/// The size of the DER element at the start of `der` (tag, length, content), or 0.
size_t der_size(std::string_view der) {
  if (der.size() < 2) return 0;
  size_t n = static_cast<unsigned char>(der[1]), head = 2;
  if (n & 0x80) {
    size_t bytes = n & 0x7F;
    if (bytes == 0 || bytes > 4 || der.size() < 2 + bytes) return 0;
    n = 0;
    for (size_t i = 0; i < bytes; ++i) n = n << 8 | static_cast<unsigned char>(der[2 + i]);
    head += bytes;
  }
  return head + n <= der.size() ? head + n : 0;
}

}  // namespace

std::string sign_pdf(const std::string& pdf, const Signer& signer, long long when,
                     const std::string& stamp_rect, bool timestamp) {
  PdfFile f = parse_pdf(pdf);
  int page = last_page(f);
  int field = f.size, appearance = f.size + 1, sig = f.size + 2;
  const ValidationData& vd = signer.validation();
  bool dss = !vd.certs.empty() || !vd.crls.empty() || !vd.ocsps.empty();
  std::string out = pdf;
  if (out.back() != '\n') out += '\n';
  std::map<int, size_t> offsets;

  offsets[f.root] = out.size();
  out +=
      fmt::format("{} 0 obj\n{}\nendobj\n", f.root,
                  with_entries(object_dict(f, f.root),
                               fmt::format("/AcroForm << /Fields [{} 0 R] /SigFlags 3 >>{}", field,
                                           dss ? fmt::format(" /DSS {} 0 R", sig + 1) : ""),
                               "/AcroForm"));
  offsets[page] = out.size();
  out += fmt::format(
      "{} 0 obj\n{}\nendobj\n", page,
      with_entries(object_dict(f, page), fmt::format("/Annots [{} 0 R]", field), "/Annots"));
  std::string rect = stamp_rect.empty() ? "0 0 0 0" : stamp_rect;
  offsets[field] = out.size();
  out += fmt::format(
      "{} 0 obj\n<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /V {} 0 R /F 132 "
      "/Rect [{}] /P {} 0 R /AP << /N {} 0 R >> >>\nendobj\n",
      field, sig, rect, page, appearance);
  // The stamp itself is drawn in the page's content; the widget's appearance is empty.
  float x1 = 0, y1 = 0, x2 = 0, y2 = 0;
  std::istringstream(rect) >> x1 >> y1 >> x2 >> y2;
  offsets[appearance] = out.size();
  out += fmt::format(
      "{} 0 obj\n<< /Type /XObject /Subtype /Form /BBox [0 0 {:.2f} {:.2f}] /Resources << >> "
      "/Length 0 >>\nstream\n\nendstream\nendobj\n",
      appearance, std::max(0.0f, x2 - x1), std::max(0.0f, y2 - y1));

  offsets[sig] = out.size();
  const SignerInfo& si = signer.info();
  out += fmt::format(
      "{} 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /Name {} "
      "/M ({}) /Reason {} /ByteRange [0 ",
      sig, pdf_text_string(si.subject), pdf_date(when),
      pdf_text_string(Locale::ru().text("signature.reason")));
  size_t range_at = out.size();
  out += std::string(32, ' ') + "] /Contents <";
  size_t contents_at = out.size() - 1;  // the '<'
  size_t reserve = signer.signature_size() + 64;
  out += std::string(reserve * 2, '0');
  out += ">";
  size_t contents_end = out.size();
  out += " >>\nendobj\n";
  int last = sig;
  if (dss) last = append_dss(out, offsets, sig + 1, vd);

  size_t xref = out.size();
  out += "xref\n";
  for (const auto& [n, off] : offsets) out += fmt::format("{} 1\n{:010} 00000 n\r\n", n, off);
  // The update's trailer repeats the document's /ID: PDF/A (6.1.3) wants one in every
  // trailer, and a changed first element would say this is another document.
  std::string id = f.id;
  if (id.empty()) {  // not print/pdfa's output: an /ID from the unsigned document's digest
    unsigned char md[32];
    unsigned int len = 0;
    check(EVP_Digest(pdf.data(), pdf.size(), md, &len, EVP_sha256(), nullptr) == 1, "hash");
    std::string half = hex_upper(std::string_view(reinterpret_cast<char*>(md), 16));
    id = fmt::format("[<{}> <{}>]", half, half);
  }
  out += fmt::format("trailer\n<< /Size {} /Root {} 0 R", last + 1, f.root);
  if (f.info >= 0) out += fmt::format(" /Info {} 0 R", f.info);
  out += fmt::format(" /Prev {} /ID {} >>\nstartxref\n{}\n%%EOF\n", f.startxref, id, xref);

  std::string ranges =
      fmt::format("{} {} {}", contents_at, contents_end, out.size() - contents_end);
  ranges.resize(32, ' ');
  out.replace(range_at, 32, ranges);
  std::string cms = signer.sign(
      {std::string_view(out).substr(0, contents_at), std::string_view(out).substr(contents_end)},
      when, timestamp);
  if (cms.size() > reserve) bad("the signature is larger than the room reserved for it");
  std::string hex = hex_upper(cms);
  out.replace(contents_at + 1, hex.size(), hex);
  return out;
}

namespace {

/// The signature value's bytes: the hex of /Contents decoded, or empty (with `problem`).
std::string signature_value(std::string_view hex, std::string& problem) {
  std::string der;
  der.reserve(hex.size() / 2);
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    auto nib = [](char c) {
      return c >= '0' && c <= '9'   ? c - '0'
             : c >= 'A' && c <= 'F' ? c - 'A' + 10
             : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                    : -1;
    };
    int h = nib(hex[i]), l = nib(hex[i + 1]);
    if (h < 0 || l < 0) {
      problem = "the signature value is not hexadecimal";
      return {};
    }
    der += char(h * 16 + l);
  }
  return der;
}

}  // namespace

std::string timestamp_pdf(std::string pdf, const Signer& signer) {
  std::string problem;
  auto parts = byte_ranges(pdf, problem);
  if (parts.empty()) bad(problem);
  std::string der = signature_value(parts[1], problem);
  size_t used = der_size(der);
  if (used == 0) bad(problem.empty() ? "the signature value is not a DER structure" : problem);
  std::string hex = hex_upper(signer.add_timestamp(std::string_view(der).substr(0, used)));
  if (hex.size() > parts[1].size()) bad("the time-stamped signature is larger than its room");
  size_t at = size_t(parts[1].data() - pdf.data());
  pdf.replace(at, hex.size(), hex);
  return pdf;
}

bool is_signed_copy(std::string_view existing, std::string_view pdf, const Signer& signer) {
  if (existing.size() <= pdf.size() || existing.substr(0, pdf.size()) != pdf) return false;
  std::string_view tail = existing.substr(pdf.size());
  if (tail.find(signer.certificate_hex()) == std::string_view::npos) return false;
  // A build with a TSA time-stamps what an earlier build without one signed.
  auto c = check_pdf_signature(std::string(existing), "");
  return c.ok && (!signer.timestamps() || c.time_stamped);
}

PdfSignatureCheck check_pdf_signature(const std::string& pdf, const std::string& ca_pem,
                                      const std::string& tsa_ca_pem) {
  PdfSignatureCheck r;
  auto parts = byte_ranges(pdf, r.problem);
  if (parts.empty()) return r;
  std::string der = signature_value(parts[1], r.problem);
  if (der.empty()) {
    if (r.problem.empty()) r.problem = "the signature value is empty";
    return r;
  }
  // The value is padded with zeros to the room reserved; the padding is not signed, so a
  // byte changed there is caught here rather than ignored.
  size_t used = der_size(der);
  if (used == 0 || der.find_first_not_of('\0', used) != std::string::npos) {
    r.problem = used == 0 ? "the signature value is not a DER structure"
                          : "the signature value's padding was changed after signing";
    return r;
  }
  std::string signed_bytes;
  signed_bytes.reserve(parts[0].size() + parts[2].size());
  signed_bytes.append(parts[0]).append(parts[2]);
  return check_detached(signed_bytes, der, ca_pem, tsa_ca_pem, signature_date(pdf));
}

}  // namespace jp
