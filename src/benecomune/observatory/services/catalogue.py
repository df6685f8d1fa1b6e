"""The DCAT-AP_IT catalogue of the open datasets (JSON-LD and Turtle, via rdflib), harvestable
by dati.gov.it. Mandatory fields per the DCAT-AP_IT profile: catalogue (title, description,
publisher, modified, dataset, homepage, language); dataset (identifier, title, description,
modified, theme, rights holder, accrual periodicity, distribution, publisher, contact point);
distribution (format, access URL, licence); agents with dct:identifier and foaf:name.

Publisher and rights holder come from settings (OBSERVATORY_PUBLISHER_NAME, _ID); the licence
is CC BY 4.0 unless OBSERVATORY_LICENSE_URL says otherwise."""

from email.utils import parseaddr

from django.conf import settings
from django.urls import reverse
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from benecomune.observatory.services import datasets

DCATAPIT = Namespace("http://dati.gov.it/onto/dcatapit#")
THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
LANGUAGE = URIRef("http://publications.europa.eu/resource/authority/language/ITA")
CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"
LICENSE_TYPE = URIRef("http://purl.org/adms/licencetype/Attribution")


def _setting(name: str, default: str) -> str:
    return getattr(settings, name, default) or default


def _contact_email() -> str:
    """OBSERVATORY_CONTACT_EMAIL, else the address of DEFAULT_FROM_EMAIL ("Name <a@b>")."""
    configured = _setting("OBSERVATORY_CONTACT_EMAIL", "")
    if configured:
        return configured
    _name, address = parseaddr(getattr(settings, "DEFAULT_FROM_EMAIL", ""))
    return address or "dati@example.org"


def _agent(graph: Graph, node: URIRef, name: str, identifier: str) -> URIRef:
    graph.add((node, RDF.type, DCATAPIT.Agent))
    graph.add((node, RDF.type, FOAF.Agent))
    graph.add((node, FOAF.name, Literal(name, lang="it")))
    graph.add((node, DCTERMS.identifier, Literal(identifier)))
    return node


def build(base_url: str) -> Graph:
    """The whole catalogue; `base_url` is the site's root (https://host)."""
    base = base_url.rstrip("/")
    graph = Graph()
    for prefix, ns in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("dcatapit", DCATAPIT),
        ("foaf", FOAF),
        ("vcard", VCARD),
    ):
        graph.bind(prefix, ns)
    modified = Literal(datasets.modified().date().isoformat(), datatype=XSD.date)
    publisher_name = _setting("OBSERVATORY_PUBLISHER_NAME", "Bene Comune")
    publisher_id = _setting("OBSERVATORY_PUBLISHER_ID", "benecomune")
    page = base + reverse("observatory:open_data")
    publisher = _agent(graph, URIRef(page + "#titolare"), publisher_name, publisher_id)
    licence = URIRef(_setting("OBSERVATORY_LICENSE_URL", CC_BY_4))
    graph.add((licence, RDF.type, DCATAPIT.LicenseDocument))
    graph.add((licence, DCTERMS.type, LICENSE_TYPE))
    graph.add(
        (licence, FOAF.name, Literal("CC BY 4.0" if str(licence) == CC_BY_4 else str(licence)))
    )
    contact = URIRef(page + "#contatto")
    graph.add((contact, RDF.type, DCATAPIT.Organization))
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, VCARD.fn, Literal(publisher_name)))
    graph.add(
        (
            contact,
            VCARD.hasEmail,
            URIRef("mailto:" + _contact_email()),
        )
    )

    catalog = URIRef(base + reverse("observatory:catalogue_ttl"))
    graph.add((catalog, RDF.type, DCATAPIT.Catalog))
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, Literal("Dati aperti di Bene Comune", lang="it")))
    graph.add(
        (
            catalog,
            DCTERMS.description,
            Literal(
                "Dati aggregati sul welfare: spesa per categoria, Comune e mese, "
                "contributi per bando, servizi offerti, bisogni registrati, valore condiviso "
                "per progetto sociale.",
                lang="it",
            ),
        )
    )
    graph.add((catalog, DCTERMS.publisher, publisher))
    graph.add((catalog, DCTERMS.modified, modified))
    graph.add((catalog, DCTERMS.language, LANGUAGE))
    graph.add((catalog, FOAF.homepage, URIRef(page)))

    for dataset in datasets.DATASETS.values():
        node = URIRef(f"{page}#{dataset.slug}")
        graph.add((catalog, DCAT.dataset, node))
        graph.add((node, RDF.type, DCATAPIT.Dataset))
        graph.add((node, RDF.type, DCAT.Dataset))
        graph.add((node, DCTERMS.identifier, Literal(f"{publisher_id}:{dataset.slug}")))
        graph.add((node, DCTERMS.title, Literal(str(dataset.title), lang="it")))
        graph.add((node, DCTERMS.description, Literal(str(dataset.description), lang="it")))
        graph.add((node, DCTERMS.modified, modified))
        graph.add((node, DCAT.theme, THEME[dataset.theme]))
        graph.add((node, DCTERMS.rightsHolder, publisher))
        graph.add((node, DCTERMS.publisher, publisher))
        graph.add((node, DCTERMS.accrualPeriodicity, FREQUENCY.MONTHLY))
        graph.add((node, DCAT.contactPoint, contact))
        graph.add((node, DCTERMS.language, LANGUAGE))
        url = URIRef(base + reverse("observatory:dataset_csv", args=[dataset.slug]))
        distribution = URIRef(f"{url}#csv")
        graph.add((node, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCATAPIT.Distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCTERMS.title, Literal(f"{dataset.title} (CSV)", lang="it")))
        graph.add((distribution, DCTERMS.format, FILE_TYPE.CSV))
        graph.add((distribution, DCAT.accessURL, url))
        graph.add((distribution, DCAT.downloadURL, url))
        graph.add((distribution, DCAT.mediaType, Literal("text/csv")))
        graph.add((distribution, DCTERMS.license, licence))
    return graph


def turtle(base_url: str) -> str:
    return build(base_url).serialize(format="turtle")


def json_ld(base_url: str) -> str:
    context = {
        "dcat": str(DCAT),
        "dct": str(DCTERMS),
        "dcatapit": str(DCATAPIT),
        "foaf": str(FOAF),
        "vcard": str(VCARD),
    }
    return build(base_url).serialize(format="json-ld", context=context, indent=2)


__all__ = ["build", "json_ld", "turtle"]
