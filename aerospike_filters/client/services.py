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

"""nova's compute services: the nova-compute hosts, enabled and up."""

from aerospike_filters.client import http

#: The binary of the services that are hosts.
COMPUTE_BINARY = 'nova-compute'


def compute_services(conn):
    """Every nova-compute service, as one read of nova's services."""
    return [s for s in conn.compute.services()
            if s.binary == COMPUTE_BINARY]


def compute_services_retried(conn, retry):
    """Every nova-compute service (nova filters them), with retries."""
    return retry('Reading the compute services',
                 lambda: list(conn.compute.services(binary=COMPUTE_BINARY)))


def has_compute_service(conn, host, retry=None):
    """Whether nova has a nova-compute service on ``host``."""
    return bool((retry or http.Retrying())(
        'Reading the compute services',
        lambda: list(conn.compute.services(binary=COMPUTE_BINARY,
                                           host=host))))
