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

"""Flavors' extra specs through the compute API, as the tools change them.

Extra specs are set at the microversion where nova-api validates them
(openstacksdk's own calls use an older one, at which nova accepts
anything). A flavor's trait is planned from its extra specs alone, then
applied after re-reading them, so an edit another admin made in between
is planned for, not overwritten; only ``trait:CUSTOM_AEROSPIKE_*`` keys are
ever changed.
"""

import collections

from aerospike_filters import cloud
from aerospike_filters import storage_request
from aerospike_filters import trait_contract

Repair = collections.namedtuple('Repair', 'trait set unset error')
Repair.__doc__ = """What a flavor's trait needs: ``trait`` the one it must
require (None when untagged or invalid), ``set`` the extra specs to set,
``unset`` the keys to remove, ``error`` why the flavor is invalid."""


class FlavorError(cloud.CloudError):
    """nova-api refused a change of a flavor; the message is nova's."""


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


def set_extra_specs(conn, flavor_id, specs):
    """Set extra specs at the validating microversion, or FlavorError."""
    response = conn.compute.post(
        '/flavors/%s/os-extra_specs' % flavor_id,
        json={'extra_specs': specs},
        microversion=storage_request.VALIDATING_MICROVERSION, raise_exc=False)
    _raise_for(response, 'the extra specs')


def unset_extra_spec(conn, flavor_id, key):
    """Remove one extra spec; gone already is fine."""
    response = conn.compute.delete(
        '/flavors/%s/os-extra_specs/%s' % (flavor_id, key), raise_exc=False)
    if response.status_code != 404:
        _raise_for(response, 'removing %s' % key)


def extra_specs(conn, flavor_id):
    """The flavor's extra specs as they are now."""
    response = conn.compute.get('/flavors/%s/os-extra_specs' % flavor_id)
    response.raise_for_status()
    return response.json()['extra_specs']


def apply_repair(conn, flavor_id, planned_from, nvme_aliases, attempts=3):
    """Apply a flavor's Repair, re-planned if the flavor changed meanwhile.

    :param planned_from: the extra specs the caller planned from.
    :returns: the Repair applied (possibly re-planned).
    """
    specs = planned_from
    for _ in range(attempts):
        repair = plan_repair(specs, nvme_aliases)
        if repair.error:
            raise FlavorError('it became invalid meanwhile: %s'
                              % repair.error)
        now = extra_specs(conn, flavor_id)
        if now != specs:
            specs = now  # another admin changed it: plan again
            continue
        # Require the right trait before dropping a wrong one: in between
        # the flavor asks more of placement, never less.
        if repair.set:
            set_extra_specs(conn, flavor_id, repair.set)
        for key in repair.unset:
            unset_extra_spec(conn, flavor_id, key)
        return repair
    raise FlavorError('its extra specs kept changing; run again')


def _raise_for(response, what):
    if response.status_code < 400:
        return
    try:
        body = response.json()
        message = next(iter(body.values()))['message']
    except Exception:
        message = response.text[:200]
    raise FlavorError('nova-api refused %s (HTTP %d): %s'
                      % (what, response.status_code, message))


def providers_with(conn, trait, retry=None):
    """How many resource providers carry ``trait`` (0 if it is unknown)."""
    response = cloud.placement_call(
        conn, retry or cloud.Retrying(), 'Finding providers with %s' % trait,
        'get', '/resource_providers?required=%s' % trait, raise_exc=False)
    if response.status_code == 400:  # placement does not know the trait
        return 0
    response.raise_for_status()
    return len(response.json()['resource_providers'])
