// Small helpers shared by the pages. Text from the server is only ever set with textContent,
// attribute values with setAttribute: nothing is parsed as HTML.
"use strict";

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Only same-site paths become links (a crafted href such as javascript:… never does).
function safeHref(href) {
  return typeof href === "string" && href.startsWith("/") && !href.startsWith("//") ? href : null;
}

// The text as nodes, with each occurrence of a link's text turned into a link (longest first).
function linkify(text, links) {
  const sorted = (links || []).filter(l => l.text && safeHref(l.href)).sort((a, b) => b.text.length - a.text.length);
  const out = [];
  let plain = "";
  for (let i = 0; i < text.length;) {
    const hit = sorted.find(l => text.startsWith(l.text, i));
    if (hit) {
      if (plain) out.push(document.createTextNode(plain));
      plain = "";
      out.push(el("a", {href: safeHref(hit.href), class: "unit-link"}, hit.text));
      i += hit.text.length;
    } else {
      plain += text[i];
      i += 1;
    }
  }
  if (plain) out.push(document.createTextNode(plain));
  return out;
}

function formatNumber(value) {
  return typeof value === "number" ? value.toLocaleString("zh-CN", {maximumFractionDigits: 2}) : String(value ?? "");
}

// A horizontal bar chart in SVG: {labels, values, unit}.
function barChart(chart) {
  const NS = "http://www.w3.org/2000/svg";
  const svgEl = (tag, attrs, text) => {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const values = chart.values.map(v => (typeof v === "number" && isFinite(v) ? v : 0));
  const max = Math.max(...values.map(Math.abs), 1e-9);
  const rowH = 26, labelW = 260, barW = 320, width = labelW + barW + 110;
  const svg = svgEl("svg", {class: "chart", width, height: rowH * values.length + 8,
                            viewBox: `0 0 ${width} ${rowH * values.length + 8}`, role: "img"});
  svg.append(svgEl("title", {}, `柱状图（${chart.unit || ""}）`));
  values.forEach((value, i) => {
    const y = 4 + i * rowH;
    const label = String(chart.labels[i] ?? "");
    svg.append(svgEl("text", {x: labelW - 8, y: y + 17, "text-anchor": "end", class: "chart-label"},
                     label.length > 22 ? label.slice(0, 21) + "…" : label));
    const w = Math.max(1, Math.abs(value) / max * barW);
    const bar = svgEl("rect", {x: labelW, y: y + 3, width: w, height: rowH - 8, class: "chart-bar"});
    bar.append(svgEl("title", {}, `${label}: ${formatNumber(value)} ${chart.unit || ""}`));
    svg.append(bar);
    svg.append(svgEl("text", {x: labelW + w + 6, y: y + 17, class: "chart-value"}, `${formatNumber(value)} ${chart.unit || ""}`));
  });
  return svg;
}

function table(columns, rows, links) {
  return el("table", {class: "data"},
    el("thead", {}, el("tr", {}, columns.map(c => el("th", {}, c)))),
    el("tbody", {}, rows.map(row => el("tr", {}, row.map(cell =>
      el("td", {class: typeof cell === "number" ? "num" : null},
         typeof cell === "string" ? linkify(cell, (links || []).filter(l => l.text === cell)) : formatNumber(cell)))))));
}

function sourceText(s) {
  const where = s.table ? `表${s.table}“${s.table_title || ""}”` : (s.table_title || "正文");
  return `《${s.document}》 ${where}${s.line ? ` 第${s.line}行` : ""}${s.file ? `（${s.file}）` : ""}`;
}

// Links that open queries in the console; several queries joined by blank lines give several links.
function consoleLinks(sparql) {
  const queries = (sparql || "").split(/\n\n(?=PREFIX )/).filter(q => q.trim());
  return queries.map((q, i) => el("a", {class: "console-link", href: "/console?query=" + encodeURIComponent(q),
                                        target: "_blank", rel: "noopener"},
                                  queries.length > 1 ? `在控制台中打开（${i + 1}）` : "在控制台中打开"));
}
