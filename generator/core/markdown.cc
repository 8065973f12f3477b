#include "core/markdown.h"

#include <cmark.h>

#include <cstdlib>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace jp {

namespace {

/// cmark's safe mode replaces raw HTML by `<!-- raw HTML omitted -->`: a homework typed as
/// `<p>Упр. 5</p>` vanished from the page without a trace. The HTML's text is shown
/// instead, as text (so escaped): a block as a paragraph, inline HTML in place.
void html_as_text(cmark_node* doc) {
  std::vector<cmark_node*> html;
  cmark_iter* it = cmark_iter_new(doc);
  for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
    cmark_node* n = cmark_iter_get_node(it);
    auto type = cmark_node_get_type(n);
    if (ev == CMARK_EVENT_ENTER &&
        (type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_HTML_INLINE))
      html.push_back(n);
  }
  cmark_iter_free(it);
  for (cmark_node* n : html) {
    std::string literal = cmark_node_get_literal(n) ? cmark_node_get_literal(n) : "";
    while (!literal.empty() && literal.back() == '\n') literal.pop_back();
    cmark_node* text = cmark_node_new(CMARK_NODE_TEXT);
    cmark_node_set_literal(text, literal.c_str());
    cmark_node* replacement = text;
    if (cmark_node_get_type(n) == CMARK_NODE_HTML_BLOCK) {
      replacement = cmark_node_new(CMARK_NODE_PARAGRAPH);
      cmark_node_append_child(replacement, text);
    }
    cmark_node_replace(n, replacement);
    cmark_node_free(n);
  }
}

/// An image in a homework (`![схема](https://tracker.example/i.png)`) would be fetched by
/// the family's browser from another host whenever the page opens (a page saved and opened
/// again, or a browser that ignores the CSP, tells that host when the diary was read).
/// Each image becomes a link to it, its alt text (or the address) as the link's text:
/// nothing loads unless the parent chooses to follow it.
void images_as_links(cmark_node* doc) {
  std::vector<cmark_node*> images;
  cmark_iter* it = cmark_iter_new(doc);
  for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
    cmark_node* n = cmark_iter_get_node(it);
    if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(n) == CMARK_NODE_IMAGE) images.push_back(n);
  }
  cmark_iter_free(it);
  for (cmark_node* img : images) {
    cmark_node* link = cmark_node_new(CMARK_NODE_LINK);
    const char* url = cmark_node_get_url(img);
    cmark_node_set_url(link, url ? url : "");
    if (const char* title = cmark_node_get_title(img)) cmark_node_set_title(link, title);
    while (cmark_node* child = cmark_node_first_child(img)) cmark_node_append_child(link, child);
    if (!cmark_node_first_child(link)) {
      cmark_node* text = cmark_node_new(CMARK_NODE_TEXT);
      cmark_node_set_literal(text, url ? url : "");
      cmark_node_append_child(link, text);
    }
    cmark_node_replace(img, link);
    cmark_node_free(img);
  }
}

/// The document tree of `md`, raw HTML turned into text; freed by the caller.
cmark_node* parse_markdown(const std::string& md) {
  cmark_node* doc = cmark_parse_document(md.data(), md.size(), CMARK_OPT_DEFAULT | CMARK_OPT_SMART);
  if (!doc) throw std::runtime_error("cmark could not parse markdown (out of memory)");
  html_as_text(doc);
  images_as_links(doc);
  return doc;
}

}  // namespace

std::string markdown_html(const std::string& md) {
  // cmark 0.30 is safe by default: javascript:, vbscript:, file: and data: (except
  // images) links are dropped. CMARK_OPT_UNSAFE is never set.
  cmark_node* doc = parse_markdown(md);
  char* html = cmark_render_html(doc, CMARK_OPT_DEFAULT | CMARK_OPT_SMART);
  cmark_node_free(doc);
  if (!html) throw std::runtime_error("cmark could not render markdown (out of memory)");
  std::string r;
  // Every link leaves the diary (a homework's links point elsewhere): the host it goes to
  // learns neither the family's address (the capability) nor keeps a handle on the page.
  // cmark writes each link as `<a href="`; text cannot hold that sequence (it is escaped).
  constexpr std::string_view kLink = "<a href=\"";
  std::string_view rest(html);
  for (size_t at; (at = rest.find(kLink)) != std::string_view::npos;) {
    r.append(rest.substr(0, at));
    r.append("<a rel=\"noreferrer noopener\" href=\"");
    rest.remove_prefix(at + kLink.size());
  }
  r.append(rest);
  free(html);
  return r;
}

std::string markdown_plain(const std::string& md, bool with_links) {
  cmark_node* doc = parse_markdown(md);
  std::string out;
  auto space = [&] {
    if (!out.empty() && out.back() != ' ') out += ' ';
  };
  cmark_iter* it = cmark_iter_new(doc);
  for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
    cmark_node* n = cmark_iter_get_node(it);
    switch (cmark_node_get_type(n)) {
      case CMARK_NODE_TEXT:
      case CMARK_NODE_CODE:
      case CMARK_NODE_CODE_BLOCK:
        if (const char* t = cmark_node_get_literal(n)) out += t;
        break;
      case CMARK_NODE_SOFTBREAK:
      case CMARK_NODE_LINEBREAK:
        space();
        break;
      case CMARK_NODE_PARAGRAPH:
      case CMARK_NODE_HEADING:
      case CMARK_NODE_ITEM:
        if (ev == CMARK_EVENT_EXIT) space();
        break;
      case CMARK_NODE_LINK:
        // Only web addresses: a javascript: or data: link is not shown as one anywhere.
        if (const char* url = cmark_node_get_url(n); with_links && ev == CMARK_EVENT_EXIT && url) {
          std::string u = url;
          if ((u.starts_with("https://") || u.starts_with("http://")) && !out.ends_with(u))
            out += " (" + u + ")";
        }
        break;
      default:
        break;
    }
  }
  cmark_iter_free(it);
  cmark_node_free(doc);
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) out.pop_back();
  return out;
}

}  // namespace jp
