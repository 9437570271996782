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

"""The client layer's requests, failures and retries (osc-placement's http).

Every call the tools make to nova or placement goes through the modules
of this package, one per resource, and this one: the placement
microversion they speak, the retry policy for transient failures, the
error classes of the tools (:class:`CloudError` and its subclasses), and
the one place where a keystoneauth or openstacksdk exception is classified
(credentials, unreachable, transient, refused) and put in one line.
"""

import re
import time

from keystoneauth1 import exceptions as ks_exceptions
from openstack import exceptions as sdk_exceptions

#: Placement microversion of every call the tools make: 1.14 shows
#: ``root_provider_uuid``, 1.18 filters providers by ``required`` traits.
PLACEMENT_MICROVERSION = '1.18'


class CloudError(Exception):
    """A cloud operation cannot go on; the message says why and what to do."""


class AuthError(CloudError):
    """Credentials are missing, wrong or lack the admin role."""


class OperationError(CloudError):
    """A change or read of one resource failed; the message names it.

    What a flavor change nova-api refused, a provider's traits placement
    refused or that kept changing, an aggregate move sync could not make
    raise: callers that go on with the next resource catch this one, not
    :class:`AuthError`.
    """


def first_line(exc):
    """The first line of an exception's message, or its class name."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else exc.__class__.__name__


_URL = re.compile(r'(https?://[^\s:]+(?::\d+)?[^\s:]*)')


def plain_message(exc):
    """One line for a connection failure, without the libraries' detail.

    keystoneauth's ConnectFailure carries urllib3's retry text on a second
    clause; the catalog's "Could not find requested endpoint" names no
    service. Both become a line naming the URL or the endpoint and what to
    check.
    """
    if isinstance(exc, ks_exceptions.EndpointNotFound):
        return ('the service catalog has no endpoint for a service the '
                'tools need (compute or placement) in this region and '
                'interface; check --os-region-name and --os-interface')
    if isinstance(exc, ks_exceptions.ConnectionError):
        url = _URL.search(str(exc))
        return ('no answer from %s (connection refused or timed out); '
                'check the auth URL or endpoint and that the service runs'
                % (url.group(1) if url else 'the cloud'))
    return first_line(exc)


def status_of(exc):
    """The HTTP status of an openstacksdk or keystoneauth error, or None."""
    return (getattr(exc, 'status_code', None) or
            getattr(exc, 'http_status', None))


def is_auth_error(exc):
    """Whether the cloud refused the credentials or the user's role."""
    if isinstance(exc, (ks_exceptions.Unauthorized,
                        ks_exceptions.Forbidden,
                        sdk_exceptions.ForbiddenException)):
        return True
    return isinstance(exc, (sdk_exceptions.HttpException,
                            ks_exceptions.HttpError)) and (
        status_of(exc) in (401, 403))


def is_missing_credentials(exc):
    """Whether no usable credentials were given at all."""
    return isinstance(exc, (ks_exceptions.MissingAuthPlugin,
                            ks_exceptions.MissingRequiredOptions,
                            sdk_exceptions.ConfigException))


def is_unreachable(exc):
    """Whether the cloud's endpoints could not be reached or found."""
    return isinstance(exc, (ks_exceptions.ConnectionError,
                            ks_exceptions.EndpointNotFound,
                            ks_exceptions.DiscoveryFailure))


def is_transient(exc):
    """Whether trying again later may succeed (5xx, 429, no connection).

    openstacksdk's "exists but does not have any supported versions" is
    the version discovery of a service that did not answer (placement
    restarting): transient too.
    """
    if isinstance(exc, (ks_exceptions.ConnectFailure,
                        ks_exceptions.ConnectTimeout,
                        ks_exceptions.RetriableConnectionFailure)):
        return True
    if isinstance(exc, sdk_exceptions.NotSupported) and (
            'does not have any supported versions' in str(exc)):
        return True
    status = status_of(exc)
    return isinstance(exc, (sdk_exceptions.HttpException,
                            ks_exceptions.HttpError)) and (
        status is not None and (status >= 500 or status == 429))


class Retrying:
    """Call functions with retries on transient errors.

    Exponential backoff from ``delay`` up to ``max_delay`` seconds, at most
    ``attempts`` calls. Credentials errors end at once as :class:`AuthError`.
    """

    def __init__(self, attempts=5, delay=0.5, max_delay=8.0,
                 sleep=time.sleep):
        self.attempts = attempts
        self.delay = delay
        self.max_delay = max_delay
        self.sleep = sleep

    def __call__(self, what, func, *args, **kwargs):
        delay = self.delay
        for attempt in range(1, self.attempts + 1):
            try:
                return func(*args, **kwargs)
            except Exception as exc:
                if is_auth_error(exc) or is_missing_credentials(exc):
                    raise AuthError(
                        '%s was refused: %s. This needs credentials of a '
                        'user with the admin role (--os-cloud, OS_CLOUD or '
                        'the OS_* variables).'
                        % (what, first_line(exc))) from None
                if not is_transient(exc) or attempt == self.attempts:
                    raise
                self.sleep(delay)
                delay = min(delay * 2, self.max_delay)


def placement_call(conn, retry, what, method, url, **kwargs):
    """A placement request at PLACEMENT_MICROVERSION, with retries.

    HTTP errors are raised (keystoneauth's HttpError, with the status), so
    that transient ones are retried, unless ``raise_exc=False``.
    """
    kwargs.setdefault('raise_exc', True)

    def call():
        # conn.placement discovers placement's versions on first use: a
        # placement that does not answer yet is retried like a request.
        return getattr(conn.placement, method)(
            url, microversion=PLACEMENT_MICROVERSION, **kwargs)

    return retry(what, call)


def placement_json(conn, url, retry=None):
    """The JSON body of a placement GET, or CloudError saying what failed.

    HTTP errors are raised (transient ones retried by ``retry``, by default
    sync's policy: a placement restarting while explain, doctor or
    snapshot read it is waited for); an answer that is not whole JSON (a
    connection cut mid-body) is named.
    """
    return json_of('placement', url, placement_call(
        conn, retry or Retrying(), 'Reading %s' % url, 'get', url))


def json_of(service, url, response):
    """The response's JSON, or CloudError when it was cut short."""
    try:
        return response.json()
    except ValueError:
        raise CloudError("%s's answer to GET %s was cut short (not "
                         "whole JSON); run again" % (service, url)
                         ) from None


def raise_for_refusal(response, what):
    """OperationError with nova's message when it refused ``what``.

    For a request made with ``raise_exc=False``; a success returns.
    """
    if response.status_code < 400:
        return
    try:
        body = response.json()
        message = next(iter(body.values()))['message']
    except Exception:
        message = response.text[:200]
    raise OperationError('nova-api refused %s (HTTP %d): %s'
                         % (what, response.status_code, message))


def tolerating(retry, statuses, what, func, *args, **kwargs):
    """``retry(what, func, ...)``, None on an HTTP error of ``statuses``.

    Any other HTTP error becomes an OperationError naming ``what``.
    """
    try:
        return retry(what, func, *args, **kwargs)
    except (sdk_exceptions.HttpException, ks_exceptions.HttpError) as exc:
        if status_of(exc) in statuses:
            return None
        raise OperationError('%s failed: %s'
                             % (what, first_line(exc))) from None


def provider_traits_call(node, func, *args, **kwargs):
    """func()'s result, None on 409, else OperationError naming ``node``.

    For placement's calls on the traits of the provider of compute node
    ``node``; transient failures (5xx, 429, no connection) were retried
    already, CloudErrors are raised as they are.
    """
    try:
        return func(*args, **kwargs)
    except CloudError:
        raise
    except Exception as exc:
        status = status_of(exc)
        if status == 409:
            return None
        if status == 404:
            raise OperationError('resource provider %s vanished (its '
                                 'compute node was deleted?); run again'
                                 % node) from None
        detail = first_line(getattr(exc, 'details', None) or exc)
        if status is None:
            raise OperationError('placement failed on the traits of %s: '
                                 '%s; run again' % (node, detail)) from None
        raise OperationError('placement refused the traits of %s (HTTP %d): '
                             '%s%s' % (node, status, detail,
                                       '; run again' if status >= 500
                                       else '')) from None


def connection_message(where, exc, credentials_help):
    """One line for a failure to connect to the cloud ``where`` names."""
    if isinstance(exc, sdk_exceptions.ConfigException):
        return 'cannot use %s: %s; %s' % (
            where, first_line(exc).rstrip('.'), credentials_help)
    if is_missing_credentials(exc):
        return 'no usable credentials for %s (%s): %s' % (
            where, first_line(exc), credentials_help)
    if is_auth_error(exc):
        return ('%s refused the credentials: %s (check them, and that the '
                'user has the admin role)' % (where, first_line(exc)))
    if is_unreachable(exc):
        return 'cannot reach %s: %s' % (where, plain_message(exc))
    return 'cannot connect to %s: %s' % (where, plain_message(exc))


def call_message(what, exc):
    """One line for the failure ``exc`` of ``what``, or None if not ours.

    A CloudError says it already; an auth, connection or other API error
    of keystoneauth or openstacksdk is named; anything else (a bug) is
    None, for the caller to raise as it is.
    """
    if isinstance(exc, CloudError):
        return str(exc)
    if is_auth_error(exc):
        return ('%s was refused: %s (check the credentials and that the '
                'user has the admin role)' % (what, first_line(exc)))
    if is_unreachable(exc):
        return ('%s failed: cannot reach the cloud: %s'
                % (what, plain_message(exc)))
    if isinstance(exc, (sdk_exceptions.SDKException,
                        ks_exceptions.ClientException)):
        return '%s failed: %s' % (what, first_line(exc))
    return None


def compute_endpoint(conn):
    """The compute endpoint's URL, or 'a live cloud' when unknown."""
    try:
        return conn.compute.get_endpoint()
    except Exception:
        return 'a live cloud'
