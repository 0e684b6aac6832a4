"""Bespoke commissioning arrangements (Section 9): a package made of elements.

"The services that could be commissioned may fall into multiple service types, for example,
Residential and Floating Support ... Quality Assurance will identify the service elements and
monitor the bespoke commissioning arrangement in line with each service requirement." Each element
therefore has a service type of its own, and its reviews and visits follow that type's schedule
(Figures 1 and 2), where it is delivered.
"""

from __future__ import annotations

from qa_desktop.domain.service_types import ServiceType


class PackageError(ValueError):
    """An element the framework cannot monitor, in one sentence naming the field."""


def check_element(name: str | None, service_type: ServiceType | None) -> str:
    """The element's name, cleaned; ``PackageError`` for an element without a name or a type."""
    cleaned = (name or "").strip()
    if not cleaned:
        raise PackageError("Element: give the element a name (e.g. 'Floating support, 10 hours a week').")
    if service_type is None:
        raise PackageError(f"Service type: choose the service type of {cleaned!r}; each element is monitored "
                           "against its own service type (Section 9).")
    if service_type is ServiceType.BESPOKE:
        raise PackageError(f"Service type: {cleaned!r} must be one of the framework's service types, not another "
                           "bespoke package.")
    return cleaned
