"""The municipality's plans: dated layers of planned units, closures and moves, transit changes and new
housing (:mod:`.model`, :mod:`.parse`), stored per dataset (:mod:`.store`); the units and the public
transport network in force on any day (:func:`dataset_on`); family news (:mod:`.news`) and the chance of a
place (:mod:`.chance`). The demand and occupancy forecast is :mod:`planner.siting.forecast`.
"""
from planner.plans.model import PlanLayer, Plans
from planner.plans.store import DatasetOnDate, dataset_on, load_plans

__all__ = ["PlanLayer", "Plans", "DatasetOnDate", "dataset_on", "load_plans"]
