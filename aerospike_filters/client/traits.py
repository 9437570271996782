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

"""Placement's traits: the custom traits of the CUSTOM_AEROSPIKE family."""

from aerospike_filters.client import http

#: The traits whose names start with a prefix.
STARTING_WITH = '/traits?name=startswith:%s'
#: One trait (PUT creates a custom one).
TRAIT = '/traits/%s'


def names_starting_with(conn, prefix, retry=None):
    """The names of the traits starting with prefix (a bulk read)."""
    return http.placement_json(conn, STARTING_WITH % prefix, retry)['traits']


def listed(conn, retry, prefix):
    """The names of the traits starting with prefix, before a change."""
    return http.placement_call(conn, retry, 'Listing traits', 'get',
                               STARTING_WITH % prefix).json()['traits']


def create(conn, retry, name):
    """Create the custom trait name."""
    http.placement_call(conn, retry, 'Creating trait %s' % name, 'put',
                        TRAIT % name)
