"""Varhaiskasvatus planner: the domain package (no Streamlit imports here).

Sub-packages and modules, by topic:

- ``rules``      dated rule tables (fees, allowances, municipal settings) and their loader
- ``money``      ECEC client fees, Kela allowances, scenario comparison and timeline
- ``family``     the family file (parse and validate)
- ``network``    street graphs (CSR), travel-time engine, GTFS transit routing
- ``datasets``   build / list / load datasets (networks + units + catchments + transit + demand)
- ``units``      daycare units file (schema and validation)
- ``ranking``    rank units for a family's day
- ``siting``     demand, occupancy, accessibility, what-if scenarios and the site optimiser
- ``placement``  proactive placement offers for children
- ``cli``        ``python -m planner ...`` (JSON out)
"""

__version__ = "0.1.0"
