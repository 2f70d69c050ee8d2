"""Planners' workbench: demand, occupancy, accessibility, what-if scenarios and the site optimiser.

Modules (import them directly; nothing heavy is imported here):

* :mod:`planner.siting.demand` — children by age group per location (population grid or OSM estimate)
* :mod:`planner.siting.occupancy` — coefficient-weighted seats and occupancy %
* :mod:`planner.siting.accessibility` — share within N minutes, mean / p90 travel time, 2SFCA
* :mod:`planner.siting.scenario` — add / move / resize / close units; evaluate and compare
* :mod:`planner.siting.optimiser` — K new sites by capacitated p-median or maximal coverage (MILP)
* :mod:`planner.siting.candidates` — candidate sites: text/CSV/GeoJSON parser, grid, buildings
* :mod:`planner.siting.sites` — ``optimise_sites``: the one optimiser entry point (command and page)
* :mod:`planner.siting.commands` — ``python -m planner site``
"""
