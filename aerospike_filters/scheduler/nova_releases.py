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

"""The nova releases the plugin supports, and what differs between them.

Supported: nova 31 (2025.1) to 34 (2026.2). The scheduler API the filter
and weigher use (``nova.filters``, ``nova.weights``, ``nova.loadables``,
the helpers in :data:`SCHEDULER_API`) is the same on all of them; what
differs is how a process gets monkey-patched with eventlet, and this module
is the one place that knows it:

* nova 31 patches when ``nova.monkey_patch`` is imported; from 32 on,
  importing it patches nothing and ``nova.monkey_patch.patch()`` does.
  :func:`patch_eventlet` patches on either, as nova's own test packages do
  (the plugin's tests and benchmarks need it).
* On nova 31 and 32, importing nova's API package (``nova.api.openstack``,
  which the extra spec validators import) patches the importing process;
  from 33 on only nova's service entry points do. A command-line tool
  that imports the validators after urllib3 would be patched late (nova
  prints a warning, and a late-patched process can hang on HTTPS):
  :func:`never_patch` keeps a tool's process unpatched on every release.

(placement 13 to 15, the test placement of nova 31 to 33, also needs
oslo.policy below 6: a matter for the constraints files only.)

:func:`check` is the scheduler's start-up check: a nova older than
:data:`OLDEST`, or one without the scheduler API, is named in one log line
and the filter then fails closed for tagged flavors only.
"""

import importlib
import importlib.metadata
import inspect
import logging
import os
import sys

from aerospike_filters import version

#: nova's major version per OpenStack series, for the supported releases.
SERIES = {31: '2025.1', 32: '2025.2', 33: '2026.1', 34: '2026.2'}
#: The oldest supported nova, and the newest one CI tests.
OLDEST = min(SERIES)
NEWEST = max(SERIES)

#: nova 31 patches when nova.monkey_patch is imported; from this release
#: on, nova.monkey_patch.patch() does.
PATCH_CALL_SINCE = 32
#: Up to this release, importing nova.api.openstack (which the extra spec
#: validators import) patches the importing process.
API_IMPORT_PATCHES_UNTIL = 32
#: nova's switch: when true, nothing of nova's patches the process.
NO_PATCHING_VARIABLE = 'OS_NOVA_DISABLE_EVENTLET_PATCHING'

#: What the filter and weigher call at request time: (module, attribute
#: path, the parameters they pass, or None for a value).
SCHEDULER_API = (
    ('nova.scheduler.filters', 'BaseHostFilter.filter_all',
     ('filter_obj_list', 'spec_obj')),
    ('nova.scheduler.weights', 'BaseHostWeigher.weigh_objects',
     ('weighed_obj_list', 'weight_properties')),
    ('nova.scheduler.weights', 'BaseHostWeigher.weight_multiplier',
     ('host_state',)),
    ('nova.scheduler.utils', 'request_is_rebuild', ('spec_obj',)),
    ('nova.scheduler.utils', 'get_weight_multiplier',
     ('host_state', 'multiplier_name', 'multiplier_config')),
    ('nova.pci.stats', 'PciDeviceStats.ignored_spec_tags', None),
    ('nova.pci.utils', 'pci_device_prop_match', ('pci_dev', 'specs')),
)
#: The RequestSpec fields the filter reads.
REQUEST_SPEC_FIELDS = ('flavor', 'pci_requests', 'force_hosts',
                       'scheduler_hints')


def nova_version():
    """The installed nova's version string, or None if it has none."""
    try:
        return importlib.metadata.version('nova')
    except importlib.metadata.PackageNotFoundError:
        pass
    try:  # nova from a source tree: pbr's version
        from nova import version
        return version.version_string()
    except Exception:
        return None


def major(version):
    """The major number of a version string, or None if it has none."""
    try:
        return int(str(version).split('.')[0])
    except ValueError:
        return None


def describe(number):
    """'nova 31 (2025.1)', the way the support statement names releases."""
    series = SERIES.get(number)
    return 'nova %s (%s)' % (number, series) if series else 'nova %s' % (
        number,)


def patch_eventlet():
    """Monkey-patch with eventlet, as nova's own test packages do.

    Call it first, before anything imports nova's services.
    """
    from nova import monkey_patch  # nova 31 patches here
    if hasattr(monkey_patch, 'patch'):  # nova 32 and later
        monkey_patch.patch()


def never_patch():
    """Keep this process from being monkey-patched, on every release.

    For command-line tools, before they import nova. nova's own switch
    tells nova 31 to skip patching. nova 32's ``nova.api.openstack`` calls
    ``patch()``, which with the switch selects oslo.service's threading
    backend, and fails if anything asked for the default (eventlet) backend
    first: so it is called here, first (its log line, that a service runs
    with native threads, is no news for a command). From nova 33 on,
    nothing a tool imports patches. A process where nova has already
    decided (a test process, patched first) is left alone.
    """
    if 'nova.monkey_patch' in sys.modules:
        return
    os.environ[NO_PATCHING_VARIABLE] = 'true'
    logging.getLogger('nova.monkey_patch').setLevel(logging.ERROR)
    try:
        from nova import monkey_patch  # nova 31: with the switch, no patch
    except ImportError:
        return  # no nova: nothing can patch
    number = major(nova_version())
    if (hasattr(monkey_patch, 'patch') and number is not None and
            number <= API_IMPORT_PATCHES_UNTIL):
        monkey_patch.patch()


def missing_api():
    """The pieces of :data:`SCHEDULER_API` this nova lacks, named."""
    missing = ['%s.%s%s' % (module_name, path, '' if parameters is None
                            else '(%s)' % ', '.join(parameters))
               for module_name, path, parameters in SCHEDULER_API
               if not _has(module_name, path, parameters)]
    try:
        from nova.objects import request_spec
        fields = request_spec.RequestSpec.fields
    except Exception:
        return missing + ['nova.objects.request_spec.RequestSpec']
    return missing + ['RequestSpec.%s' % field
                      for field in REQUEST_SPEC_FIELDS if field not in fields]


def _has(module_name, path, parameters):
    try:
        value = importlib.import_module(module_name)
        for part in path.split('.'):
            value = getattr(value, part)
        # Methods list self first: compare the trailing parameters.
        return parameters is None or tuple(
            inspect.signature(value).parameters)[-len(parameters):] == (
                parameters)
    except Exception:
        return False


def check(nova=None):
    """Whether this nova can run the plugin: (usable, one line or None).

    Unusable: a nova older than :data:`OLDEST` (or of no known version),
    or one whose scheduler API changed. Usable with a line: a nova newer
    than the newest tested.
    """
    nova = nova_version() if nova is None else nova
    supported = 'aerospike-filters %s supports %s to %s' % (
        version.version_string(), describe(OLDEST), describe(NEWEST))
    number = major(nova)
    if number is None or number < OLDEST:
        return False, (
            '%s, not nova %s: tagged flavors get no host until nova is '
            'upgraded (untagged flavors are scheduled as before)'
            % (supported, nova or 'of unknown version'))
    missing = missing_api()
    if missing:
        return False, (
            '%s; nova %s changed the scheduler API it uses (%s): tagged '
            'flavors get no host until aerospike-filters is upgraded to a '
            'release that supports it (untagged flavors are scheduled as '
            'before)' % (supported, nova, ', '.join(missing)))
    if number > NEWEST:
        return True, (
            '%s; nova %s is newer, untested, and its scheduler API is '
            'unchanged: the filter and weigher run' % (supported, nova))
    return True, None


#: The start-up lines already logged by this process.
_LOGGED = set()


def check_at_start(log):
    """:func:`check`, its line logged once per process; returns usable.

    The filter and the weigher both call it when nova loads them: the line
    (ERROR when unusable, WARNING when untested) appears once.
    """
    usable, line = check()
    if line is not None and line not in _LOGGED:
        _LOGGED.add(line)
        (log.warning if usable else log.error)(line)
    return usable
