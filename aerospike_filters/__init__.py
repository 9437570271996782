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

"""Nova scheduler plugin that keeps Aerospike on fast local storage.

Importing this package is cheap: it imports neither nova nor the scheduler
classes. Nova's loader calls :func:`all_filters` and :func:`all_weighers`
(named in ``[filter_scheduler] available_filters`` and ``weight_classes``),
which load the classes registered under this package's stevedore
namespaces.
"""

FILTERS_NAMESPACE = 'aerospike_filters.scheduler.filters'
WEIGHERS_NAMESPACE = 'aerospike_filters.scheduler.weighers'


def _registered_classes(namespace):
    from stevedore import extension

    def _fail(manager, entrypoint, exc):
        # A broken entry point must be loud: nova would otherwise report a
        # puzzling "filter not found" at scheduler start.
        raise exc

    manager = extension.ExtensionManager(
        namespace, invoke_on_load=False,
        on_load_failure_callback=_fail)
    return [ext.plugin for ext in sorted(manager, key=lambda e: e.name)]


def all_filters():
    """Return the host filter classes this package registers."""
    return _registered_classes(FILTERS_NAMESPACE)


def all_weighers():
    """Return the host weigher classes this package registers."""
    return _registered_classes(WEIGHERS_NAMESPACE)
