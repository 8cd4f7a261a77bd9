import factory

from lists.models import Category, Contact, PaymentMethod, TaxRate, TrackingCategory, TrackingOption


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    xero_id = factory.Faker("uuid4")
    code = factory.Sequence(lambda n: f"{400 + n}")
    name = factory.Sequence(lambda n: f"Expense account {n}")
    type = "EXPENSE"
    account_class = "EXPENSE"
    tax_type = "INPUT2"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    xero_id = factory.Faker("uuid4")
    name = factory.Sequence(lambda n: f"Supplier {n:04d}")
    is_supplier = True


class TrackingCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrackingCategory

    xero_id = factory.Faker("uuid4")
    name = factory.Sequence(lambda n: f"Tracking {n}")


class TrackingOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrackingOption

    xero_id = factory.Faker("uuid4")
    category = factory.SubFactory(TrackingCategoryFactory, business=factory.SelfAttribute("..business"))
    name = factory.Sequence(lambda n: f"Option {n}")


class PaymentMethodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentMethod

    xero_id = factory.Faker("uuid4")
    code = factory.Sequence(lambda n: f"{90 + n}")
    name = factory.Sequence(lambda n: f"Business account {n}")
    kind = PaymentMethod.Kind.BANK


class TaxRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaxRate

    xero_id = factory.Sequence(lambda n: f"TAX{n:03d}")
    name = factory.Sequence(lambda n: f"Tax rate {n}")
    effective_rate = 20
    can_apply_to_expenses = True
