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

"""nova's server groups, with each member's host and flavor.

Admin reads of every project (``all_projects``): the tools look at the
groups of the cloud's tenants. Returned in the snapshot format's
``server_groups`` form (:mod:`aerospike_filters.snapshot_format`).
"""

from urllib import parse

from aerospike_filters.client import http

#: 2.64 shows a group's ``policy`` as one string; from 2.47 a server
#: embeds its flavor (name and extra specs), which outlives the flavor.
MICROVERSION = '2.64'
#: The groups nova lists per page (its ``[api] max_limit`` default).
PAGE = 1000

#: Every project's server groups, one page.
GROUPS = '/os-server-groups?all_projects=True&limit=%d&offset=%d'
#: One server group.
GROUP = '/os-server-groups/%s'
#: One server, with its host (admin) and embedded flavor.
SERVER = '/servers/%s'


def _get(conn, url):
    """The JSON body of a GET at MICROVERSION, or None on 404."""
    response = conn.compute.get(url, microversion=MICROVERSION)
    if response.status_code == 404:
        return None
    response.raise_for_status()
    return http.json_of('nova', url, response)


def listed(conn):
    """Every project's server groups as nova lists them, members unread."""
    groups, offset = [], 0
    while True:
        page = (_get(conn, GROUPS % (PAGE, offset)) or {}).get(
            'server_groups', [])
        groups += page
        if len(page) < PAGE:
            return groups
        offset += PAGE


def member(conn, uuid):
    """{id, host, flavor, extra_specs} of one member server.

    A server gone since the group listed it has no host (None).
    """
    server = (_get(conn, SERVER % parse.quote(uuid)) or {}).get('server')
    if server is None:
        return {'id': uuid, 'host': None, 'flavor': None, 'extra_specs': {}}
    flavor = server.get('flavor') or {}
    return {'id': uuid, 'host': server.get('OS-EXT-SRV-ATTR:host'),
            'flavor': flavor.get('original_name'),
            'extra_specs': {k: str(v) for k, v in
                            (flavor.get('extra_specs') or {}).items()}}


def _shaped(conn, group):
    return {'id': group['id'], 'name': group.get('name') or '',
            'policy': group.get('policy') or '',
            'members': [member(conn, uuid)
                        for uuid in group.get('members') or ()]}


def every(conn):
    """Every project's server groups, each with its members."""
    return [_shaped(conn, group) for group in listed(conn)]


def named(conn, name_or_id):
    """The group of this ID or name (any project), or LookupError."""
    return _shaped(conn, find(conn, name_or_id))


def find(conn, name_or_id):
    """The group of this ID or name as nova shows it, or LookupError."""
    group = (_get(conn, GROUP % parse.quote(name_or_id)) or {}).get(
        'server_group')
    if group is None:
        found = [g for g in listed(conn) if g.get('name') == name_or_id]
        if len(found) > 1:
            raise LookupError(
                'several server groups are named %r (%s); name one by ID'
                % (name_or_id, ', '.join(g['id'] for g in found)))
        if not found:
            raise LookupError('no server group named or with ID %r'
                              % name_or_id)
        group = found[0]
    return group
