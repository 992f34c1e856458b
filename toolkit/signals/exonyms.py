"""English names of places whose German name is spelled differently (Germany / Deutschland, Munich / München).

Spelling similarity cannot match them, so without this list a place the translation drops ("roots in Greece"
-> "roots in") is not confirmed by a German original and goes unflagged when there are only one or two
renderings. Countries, regions, seas and the cities news mention most, one word each (the checks compare words;
"North Korea" is found as Korea inside Nordkorea); a name not listed falls back on spelling.
"""
from __future__ import annotations

GERMAN = {
    # continents and regions
    "africa": "afrika", "america": "amerika", "americas": "amerika", "antarctica": "antarktis", "arctic": "arktis",
    "asia": "asien", "australia": "australien", "europe": "europa", "balkans": "balkan", "caucasus": "kaukasus",
    "scandinavia": "skandinavien", "siberia": "sibirien", "crimea": "krim", "bavaria": "bayern",
    "saxony": "sachsen", "hesse": "hessen", "thuringia": "thüringen", "rhineland": "rheinland",
    "palatinate": "pfalz", "swabia": "schwaben", "franconia": "franken", "tyrol": "tirol", "styria": "steiermark",
    "carinthia": "kärnten", "silesia": "schlesien", "prussia": "preußen", "catalonia": "katalonien",
    "lombardy": "lombardei", "tuscany": "toskana", "sicily": "sizilien", "sardinia": "sardinien",
    "corsica": "korsika", "crete": "kreta", "cyprus": "zypern", "flanders": "flandern",
    # countries
    "albania": "albanien", "algeria": "algerien", "argentina": "argentinien", "armenia": "armenien",
    "austria": "österreich", "azerbaijan": "aserbaidschan", "belgium": "belgien", "bosnia": "bosnien",
    "brazil": "brasilien", "britain": "großbritannien", "bulgaria": "bulgarien", "cambodia": "kambodscha",
    "cameroon": "kamerun", "canada": "kanada", "colombia": "kolumbien", "croatia": "kroatien", "cuba": "kuba",
    "czechia": "tschechien", "denmark": "dänemark", "egypt": "ägypten", "estonia": "estland",
    "ethiopia": "äthiopien", "finland": "finnland", "france": "frankreich", "georgia": "georgien",
    "germany": "deutschland", "greece": "griechenland", "hungary": "ungarn", "iceland": "island", "india": "indien",
    "indonesia": "indonesien", "iraq": "irak", "ireland": "irland", "italy": "italien", "jordan": "jordanien",
    "kazakhstan": "kasachstan", "kenya": "kenia", "kyrgyzstan": "kirgistan", "latvia": "lettland",
    "lebanon": "libanon", "libya": "libyen", "lithuania": "litauen", "luxembourg": "luxemburg",
    "macedonia": "mazedonien", "mexico": "mexiko", "moldova": "moldau", "mongolia": "mongolei",
    "morocco": "marokko", "netherlands": "niederlande", "norway": "norwegen", "philippines": "philippinen",
    "poland": "polen", "romania": "rumänien", "russia": "russland", "scotland": "schottland", "serbia": "serbien",
    "slovakia": "slowakei", "slovenia": "slowenien", "spain": "spanien", "sweden": "schweden",
    "switzerland": "schweiz", "syria": "syrien", "tajikistan": "tadschikistan", "tunisia": "tunesien",
    "turkey": "türkei", "uzbekistan": "usbekistan", "yemen": "jemen",
    # cities
    "athens": "athen", "belgrade": "belgrad", "brussels": "brüssel", "bucharest": "bukarest", "cologne": "köln",
    "copenhagen": "kopenhagen", "florence": "florenz", "geneva": "genf", "hanover": "hannover",
    "lisbon": "lissabon", "milan": "mailand", "moscow": "moskau", "munich": "münchen", "naples": "neapel",
    "nuremberg": "nürnberg", "prague": "prag", "rome": "rom", "venice": "venedig", "vienna": "wien",
    "warsaw": "warschau", "zurich": "zürich", "kiev": "kiew", "kyiv": "kiew", "beijing": "peking", "mecca": "mekka",
    "cairo": "kairo",
    # waters and mountains
    "baltic": "ostsee", "mediterranean": "mittelmeer", "rhine": "rhein", "danube": "donau", "moselle": "mosel",
    "alps": "alpen",
}
