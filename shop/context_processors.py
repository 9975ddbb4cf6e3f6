"""Template variables every page's header needs: the cart's item count."""

from django.utils.functional import SimpleLazyObject

from .cart import Cart


def shop(request):
    # Lazy: most templates (the admin's, for one) never show the cart.
    session = getattr(request, "session", None)
    if session is None:
        return {"shop_cart_count": 0}
    return {"shop_cart_count": SimpleLazyObject(lambda: Cart(session).count())}
