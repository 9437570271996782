#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.

"""A flavor's trait, planned from its extra specs and applied safely.

A flavor's trait is planned from its extra specs alone, then applied
after re-reading them, so an edit another admin made in between is
planned for, not overwritten; only ``trait:CUSTOM_AEROSPIKE_*`` keys are
ever changed.
"""

import collections

from aerospike_filters.client import flavors
from aerospike_filters.client import http
from aerospike_filters import storage_request
from aerospike_filters import trait_contract

Repair = collections.namedtuple('Repair', 'trait set unset error')
Repair.__doc__ = """What a flavor's trait needs: ``trait`` the one it must
require (None when untagged or invalid), ``set`` the extra specs to set,
``unset`` the keys to remove, ``error`` why the flavor is invalid."""


def plan_repair(extra_specs, nvme_aliases):
    """The Repair of one flavor's trait: the right one, and no other."""
    request = storage_request.parse_request(extra_specs, nvme_aliases)
    if not request.tagged:
        return Repair(None, {}, [], None)
    if request.error:
        return Repair(None, {}, [], request.error)
    trait = trait_contract.trait_for_tiers(request.tiers)
    present = trait_contract.flavor_traits(extra_specs)
    wanted = {} if present.get(trait) == trait_contract.REQUIRED else {
        trait_contract.flavor_spec(trait): trait_contract.REQUIRED}
    unset = sorted(trait_contract.flavor_spec(other) for other in present
                   if other != trait)
    return Repair(trait, wanted, unset, None)


def apply_repair(conn, flavor_id, planned_from, nvme_aliases, attempts=3):
    """Apply a flavor's Repair, re-planned if the flavor changed meanwhile.

    :param planned_from: the extra specs the caller planned from.
    :returns: the Repair applied (possibly re-planned).
    :raises http.OperationError: nova-api refused a change, or the flavor
        became invalid or kept changing.
    """
    specs = planned_from
    for _ in range(attempts):
        repair = plan_repair(specs, nvme_aliases)
        if repair.error:
            raise http.OperationError('it became invalid meanwhile: %s'
                                      % repair.error)
        now = flavors.extra_specs(conn, flavor_id)
        if now != specs:
            specs = now  # another admin changed it: plan again
            continue
        # Require the right trait before dropping a wrong one: in between
        # the flavor asks more of placement, never less.
        if repair.set:
            flavors.set_extra_specs(conn, flavor_id, repair.set)
        for key in repair.unset:
            flavors.unset_extra_spec(conn, flavor_id, key)
        return repair
    raise http.OperationError('its extra specs kept changing; run again')
