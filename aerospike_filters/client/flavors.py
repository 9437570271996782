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

"""nova's flavors and their extra specs, as the tools read and change them.

Extra specs are set at the microversion where nova-api validates them
(openstacksdk's own calls use an older one, at which nova accepts
anything).
"""

from aerospike_filters.client import http
from aerospike_filters import storage_request

#: A flavor's extra specs.
EXTRA_SPECS = '/flavors/%s/os-extra_specs'
#: One extra spec of a flavor.
EXTRA_SPEC = '/flavors/%s/os-extra_specs/%s'


def detailed(conn):
    """Every flavor, with its extra specs and sizes."""
    return conn.compute.flavors(details=True)


def find(conn, name_or_id):
    """The flavor of this name or ID, or None."""
    return conn.compute.find_flavor(name_or_id, ignore_missing=True)


def create(conn, **attrs):
    """A new flavor of these attributes."""
    return conn.compute.create_flavor(**attrs)


def delete(conn, flavor):
    """Delete a flavor; gone already is fine."""
    conn.compute.delete_flavor(flavor, ignore_missing=True)


def named_extra_specs(conn, name_or_id):
    """(name, extra specs) of a flavor, or LookupError naming it."""
    flavor = find(conn, name_or_id)
    if flavor is None:
        raise LookupError('no flavor named or with ID %r' % name_or_id)
    specs = conn.compute.fetch_flavor_extra_specs(flavor).extra_specs
    return flavor.name, dict(specs or {})


def set_extra_specs(conn, flavor_id, specs):
    """Set extra specs at the validating microversion, or OperationError."""
    response = conn.compute.post(
        EXTRA_SPECS % flavor_id, json={'extra_specs': specs},
        microversion=storage_request.VALIDATING_MICROVERSION, raise_exc=False)
    http.raise_for_refusal(response, 'the extra specs')


def unset_extra_spec(conn, flavor_id, key):
    """Remove one extra spec; gone already is fine."""
    response = conn.compute.delete(EXTRA_SPEC % (flavor_id, key),
                                   raise_exc=False)
    if response.status_code != 404:
        http.raise_for_refusal(response, 'removing %s' % key)


def extra_specs(conn, flavor_id):
    """The flavor's extra specs as they are now."""
    response = conn.compute.get(EXTRA_SPECS % flavor_id)
    response.raise_for_status()
    return response.json()['extra_specs']
