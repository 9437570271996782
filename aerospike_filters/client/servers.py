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

"""nova's server groups and servers, as rack label reads and labels them."""


def get(conn, server_id):
    """The server of this ID (its host and flavor), or None when gone."""
    return conn.compute.find_server(server_id, ignore_missing=True,
                                    all_projects=True)


def set_metadata(conn, server, metadata):
    """Set metadata keys of a server (others are kept)."""
    return conn.compute.set_server_metadata(server, **metadata)
