// The SPARQL console: YASGUI (vendored) on this server's /sparql endpoint, with example queries.
"use strict";

const ENDPOINT = location.origin + "/sparql";
const PREFIXES = {
  bk: "https://w3id.org/budgetkg/def#", bkid: "https://w3id.org/budgetkg/id/", qb: "http://purl.org/linked-data/cube#",
  skos: "http://www.w3.org/2004/02/skos/core#", org: "http://www.w3.org/ns/org#", prov: "http://www.w3.org/ns/prov#",
  dcterms: "http://purl.org/dc/terms/", rdfs: "http://www.w3.org/2000/01/rdf-schema#",
  rdf: "http://www.w3.org/1999/02/22-rdf-syntax-ns#", xsd: "http://www.w3.org/2001/XMLSchema#",
};
const HEADER = Object.entries(PREFIXES).map(([p, iri]) => `PREFIX ${p}: <${iri}>`).join("\n") + "\n\n";
// Facts repeat in several documents' graphs, and the default graph is their union: DISTINCT
// subqueries keep sums from counting a fact once per document that states it.
const EXAMPLES = [
  ["单位树", `# 单位及其上级单位
SELECT DISTINCT ?parentName ?parentCode ?name ?code ?unit WHERE {
  ?unit a org:Organization ; skos:prefLabel ?name .
  OPTIONAL { ?unit bk:code ?code }
  OPTIONAL { ?unit org:subOrganizationOf ?parent . ?parent skos:prefLabel ?parentName .
             OPTIONAL { ?parent bk:code ?parentCode } }
}
ORDER BY ?parentCode ?parentName ?code ?name`],
  ["三公经费（按单位）", `# 各单位“三公”经费合计（表格中的数，不含正文），预算与决算
SELECT DISTINCT ?name ?phase ?year ?amount ?table ?line ?document WHERE {
  ?o bk:measure bkid:measure-sangong ; bk:unit ?unit ; bk:phase ?p ; bk:fiscalYear ?year ;
     bk:amount ?amount ; bk:table ?t ; bk:line ?line ; prov:wasDerivedFrom ?doc .
  ?unit skos:prefLabel ?name .
  ?t bk:tableNumber ?n ; dcterms:title ?table . FILTER(?n > 0)
  ?doc dcterms:title ?document .
  FILTER NOT EXISTS { ?o bk:detail ?anyDetail }
  FILTER NOT EXISTS { ?o bk:project ?anyProject }
  BIND(IF(?p = bkid:phase-budget, "预算", "决算") AS ?phase)
}
ORDER BY ?name ?phase ?line`],
  ["功能分类科目汇总", `# 预算支出按功能分类“类”汇总：每份文件的支出表中“项”级科目之和
SELECT ?document ?unitName ?classCode ?classLabel (SUM(?amount) AS ?total) (COUNT(?o) AS ?items) WHERE {
  { SELECT DISTINCT ?o ?doc ?unit ?amount ?class WHERE {
      ?o bk:measure bkid:measure-expenditure ; bk:phase bkid:phase-budget ; bk:unit ?unit ;
         bk:amount ?amount ; bk:functionalSubject ?item ; bk:table ?table ; prov:wasDerivedFrom ?doc .
      ?table dcterms:title ?title .
      FILTER(CONTAINS(?title, "支出") && !CONTAINS(?title, "收"))
      FILTER NOT EXISTS { ?o bk:fundSource ?anyFund }
      FILTER NOT EXISTS { ?o bk:expenditureType ?anyType }
      FILTER NOT EXISTS { ?o bk:project ?anyProject }
      ?item skos:notation ?itemCode . FILTER(STRLEN(?itemCode) = 7)
      ?item skos:broader/skos:broader ?class .
  } }
  { SELECT DISTINCT ?doc ?document WHERE { ?doc a bk:Document ; dcterms:title ?document } }
  { SELECT DISTINCT ?unit ?unitName WHERE { ?unit skos:prefLabel ?unitName } }
  { SELECT DISTINCT ?class ?classCode ?classLabel WHERE { ?class skos:notation ?classCode . OPTIONAL { ?class skos:prefLabel ?classLabel } } }
}
GROUP BY ?document ?unitName ?classCode ?classLabel
ORDER BY ?document ?unitName ?classCode`],
  ["预算与决算对比", `# 功能分类科目 2010301“行政运行”：各单位的预算数与决算数
SELECT ?unitName ?phase ?year ?amount ?table ?line WHERE {
  { SELECT DISTINCT ?unit ?p ?year ?amount ?t ?line WHERE {
      ?o bk:functionalSubject ?subject ; bk:measure bkid:measure-expenditure ; bk:unit ?unit ; bk:phase ?p ;
         bk:fiscalYear ?year ; bk:amount ?amount ; bk:table ?t ; bk:line ?line .
      ?subject skos:notation "2010301" .
      FILTER NOT EXISTS { ?o bk:fundSource ?anyFund }
      FILTER NOT EXISTS { ?o bk:expenditureType ?anyType }
      FILTER NOT EXISTS { ?o bk:project ?anyProject }
  } }
  { SELECT DISTINCT ?unit ?unitName WHERE { ?unit skos:prefLabel ?unitName } }
  { SELECT DISTINCT ?t ?table WHERE { ?t dcterms:title ?table } }
  BIND(IF(?p = bkid:phase-budget, "预算", "决算") AS ?phase)
}
ORDER BY ?unitName ?year DESC(?phase) ?line`],
];

function currentQueryUrl(yasgui, format) {
  const tab = yasgui.getTab();
  return tab ? `/sparql?format=${format}&query=${encodeURIComponent(tab.getQuery())}` : "#";
}

document.addEventListener("DOMContentLoaded", () => {
  const Yasgui = window.Yasgui;
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: {
      endpoint: ENDPOINT, method: "POST",
      acceptHeaderSelect: "application/sparql-results+json", acceptHeaderGraph: "text/turtle",
    },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: {getData: () => [{endpoint: ENDPOINT}], keys: []},
    // A link may carry a query (the chat's “在控制台中打开”), never another endpoint.
    populateFromUrl: config => {
      config.requestConfig = {...config.requestConfig, endpoint: ENDPOINT};
      config.name = config.name && config.name !== "Query" ? config.name : "问答中的查询";
      return config;
    },
    persistenceId: "budgetkg-console",
    yasqe: {value: HEADER + EXAMPLES[0][1], autocompleters: ["prefixes", "variables"], prefixCcApi: null},
    yasr: {prefixes: PREFIXES},
  });
  window.budgetkgYasgui = yasgui;

  const banner = document.getElementById("truncated");
  const watched = new WeakSet();
  yasgui.on("query", (_instance, tab) => {
    banner.hidden = true;
    const yasqe = tab.getYasqe();
    if (yasqe && !watched.has(yasqe)) {
      watched.add(yasqe);
      yasqe.on("queryResponse", (_y, response) => {
        banner.hidden = !(response && response.headers && response.headers.get("X-Result-Truncated") === "true");
      });
    }
  });

  document.getElementById("examples").append(...EXAMPLES.map(([name, query]) =>
    el("button", {type: "button", class: "chip example", onclick: () => {
      const tab = yasgui.addTab(true, {...Yasgui.Tab.getDefaults(yasgui), name,
                                       yasqe: {value: HEADER + query},
                                       requestConfig: {...Yasgui.Tab.getDefaults(yasgui).requestConfig, endpoint: ENDPOINT}});
      tab.query();
    }}, name)));

  for (const [id, format] of [["download-csv", "csv"], ["download-json", "json"]]) {
    const link = document.getElementById(id);
    const update = () => { link.href = currentQueryUrl(yasgui, format); };
    link.addEventListener("mousedown", update);
    link.addEventListener("focus", update);
    link.addEventListener("click", update);
  }
  fetch("/healthz").then(r => r.json()).then(h => {
    document.getElementById("limit-time").textContent = String(h.limits.query_timeout_s);
    document.getElementById("limit-rows").textContent = formatNumber(h.limits.max_rows);
  }).catch(() => {});
});
