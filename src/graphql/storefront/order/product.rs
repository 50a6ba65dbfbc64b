//! Snapshot catalog types reached from an order line: `ProductVariant`, `Product`, `Image`,
//! `SelectedOption`. There is no catalog here: each is built from what the order line recorded at
//! checkout, with only the fields account pages select. `ProductVariant` and `Product` do not
//! implement `Node` (as they do on Shopify): a snapshot cannot be fetched again by id.

use async_graphql::{Enum, ID, InputObject, Object, SimpleObject};

use super::money::MoneyV2;
use crate::domain::order as domain;
use crate::graphql::storefront::scalars::Url;

/// A variant as an order line recorded it.
#[derive(Clone, Debug)]
pub struct ProductVariant {
    id: u64,
    title: String,
    sku: Option<String>,
    price: MoneyV2,
    product: Product,
}

impl ProductVariant {
    /// The line's variant, `None` when the line names no variant (a custom item, or a variant
    /// deleted before the order was exported) or no product: Shopify answers `null` for a variant
    /// it no longer has, and `product` is non-null.
    pub fn of_line(line: &domain::LineItem) -> Option<Self> {
        let variant_id = line.variant_id?;
        let product_id = line.product_id?;
        Some(ProductVariant {
            id: variant_id,
            // A product without options has one variant, which Shopify titles "Default Title"
            // (and REST then sends no `variant_title`).
            title: line
                .variant_title
                .clone()
                .filter(|title| !title.is_empty())
                .unwrap_or_else(|| "Default Title".to_owned()),
            sku: line.sku.clone(),
            price: (&line.price).into(),
            product: Product {
                handle: handle(&line.title),
                id: ID(format!("gid://shopify/Product/{product_id}")),
                title: line.title.clone(),
            },
        })
    }
}

/// A specific version of a product available for sale, differentiated by options like size or color. For example, a small blue t-shirt and a large blue t-shirt are separate variants of the same product. For more information, see the docs on Shopify's product model.
#[Object]
impl ProductVariant {
    /// The compare at price of the variant. This can be used to mark a variant as on sale, when `compareAtPrice` is higher than `price`.
    async fn compare_at_price(&self) -> Option<MoneyV2> {
        // Order lines do not record it.
        None
    }

    /// The compare at price of the variant. This can be used to mark a variant as on sale, when `compareAtPriceV2` is higher than `priceV2`.
    #[graphql(
        name = "compareAtPriceV2",
        deprecation = "Use `compareAtPrice` instead."
    )]
    async fn compare_at_price_v2(&self) -> Option<MoneyV2> {
        None
    }

    /// A globally-unique ID.
    async fn id(&self) -> ID {
        ID(format!("gid://shopify/ProductVariant/{}", self.id))
    }

    /// Image associated with the product variant. This field falls back to the product image if no image is available.
    async fn image(&self) -> Option<Image> {
        // Order lines carry no image: it would take the catalog.
        None
    }

    /// The product variant’s price.
    async fn price(&self) -> &MoneyV2 {
        &self.price
    }

    /// The product variant’s price.
    #[graphql(name = "priceV2", deprecation = "Use `price` instead.")]
    async fn price_v2(&self) -> &MoneyV2 {
        &self.price
    }

    /// The product object that the product variant belongs to.
    async fn product(&self) -> &Product {
        &self.product
    }

    /// List of product options applied to the variant.
    async fn selected_options(&self) -> Vec<SelectedOption> {
        // Order lines record the options' values (in the variant title) but not their names.
        Vec::new()
    }

    /// The SKU (stock keeping unit) associated with the variant.
    async fn sku(&self) -> Option<&str> {
        self.sku.as_deref()
    }

    /// The product variant’s title.
    async fn title(&self) -> &str {
        &self.title
    }
}

/// Represents an item listed in a shop's catalog.
#[derive(SimpleObject, Clone, Debug)]
pub struct Product {
    /// A unique, human-readable string of the product's title. A handle can contain letters, hyphens (`-`), and numbers, but no spaces. The handle is used in the online store URL for the product.
    pub handle: String,
    /// A globally-unique ID.
    pub id: ID,
    /// The name for the product that displays to customers. The title is used to construct the product's handle. For example, if a product is titled "Black Sunglasses", then the handle is `black-sunglasses`.
    pub title: String,
}

/// The handle Shopify gives a product by default, made from its title: lower-case ASCII letters
/// and digits, every run of other characters one `-`, none at either end ("Black Sunglasses" →
/// `black-sunglasses`). Apostrophes and quotes are dropped rather than separating words
/// ("Men's Shirt" → `mens-shirt`), as Shopify does. A handle edited in the shop's admin is not
/// on the order, so it cannot be shown; non-ASCII letters are dropped (Shopify transliterates
/// some of them).
pub fn handle(title: &str) -> String {
    let mut handle = String::with_capacity(title.len());
    let mut separated = false;
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            if separated && !handle.is_empty() {
                handle.push('-');
            }
            separated = false;
            handle.push(c.to_ascii_lowercase());
        } else if !matches!(c, '\'' | '’' | '"') {
            separated = true;
        }
    }
    handle
}

// Order lines carry no image, so no value of this type exists: it has no variants, and its
// fields are there so that clients' documents selecting a variant's image validate.
#[derive(Clone, Copy, Debug)]
pub enum Image {}

/// An image resource with URL, dimensions, and transformation options. Used for product images, collection images, media previews, and other visual content throughout the storefront.
#[Object]
#[allow(unreachable_code)]
impl Image {
    /// A word or phrase to share the nature or contents of an image.
    async fn alt_text(&self) -> Option<String> {
        match *self {}
    }

    /// The original height of the image in pixels. Returns `null` if the image isn't hosted by Shopify.
    async fn height(&self) -> Option<i32> {
        match *self {}
    }

    /// A unique ID for the image.
    async fn id(&self) -> Option<ID> {
        match *self {}
    }

    /// The location of the original image as a URL.
    #[graphql(deprecation = "Use `url` instead.")]
    async fn original_src(&self) -> Url {
        match *self {}
    }

    /// The location of the image as a URL.
    #[graphql(deprecation = "Use `url` instead.")]
    async fn src(&self) -> Url {
        match *self {}
    }

    /// The location of the transformed image as a URL.
    #[graphql(deprecation = "Use `url(transform:)` instead")]
    async fn transformed_src(
        &self,
        #[graphql(desc = "Crops the image according to the specified region.")] crop: Option<
            CropRegion,
        >,
        #[graphql(desc = "Image height in pixels between 1 and 5760.")] max_height: Option<i32>,
        #[graphql(desc = "Image width in pixels between 1 and 5760.")] max_width: Option<i32>,
        #[graphql(
            desc = "Best effort conversion of image into content type (SVG -> PNG, Anything -> JPG, Anything -> WEBP are supported)."
        )]
        preferred_content_type: Option<ImageContentType>,
        #[graphql(
            desc = "Image size multiplier for high-resolution retina displays. Must be between 1 and 3.",
            default_with = "Some(1)"
        )]
        scale: Option<i32>,
    ) -> Url {
        let _ = (crop, max_height, max_width, preferred_content_type, scale);
        match *self {}
    }

    /// The location of the image as a URL.
    async fn url(
        &self,
        #[graphql(desc = "A set of options to transform the original image.")] transform: Option<
            ImageTransformInput,
        >,
    ) -> Url {
        // Transformations are best-effort on Shopify too: accepted, and ignored here.
        let _ = transform;
        match *self {}
    }

    /// The ThumbHash of the image.
    async fn thumbhash(&self) -> Option<String> {
        match *self {}
    }

    /// The original width of the image in pixels. Returns `null` if the image isn't hosted by Shopify.
    async fn width(&self) -> Option<i32> {
        match *self {}
    }
}

// Order lines do not record option names, so no value of this type exists (`selectedOptions` is
// always empty).
#[derive(Clone, Copy, Debug)]
pub enum SelectedOption {}

/// A name/value pair representing a product option selection on a variant. The ProductVariant object's selectedOptions field returns this to indicate which options define that variant, such as "Size: Large" or "Color: Red".
#[Object]
#[allow(unreachable_code)]
impl SelectedOption {
    /// The product option’s name.
    async fn name(&self) -> String {
        match *self {}
    }

    /// The product option’s value.
    async fn value(&self) -> String {
        match *self {}
    }
}

/// The available options for transforming an image.
#[derive(InputObject, Clone, Debug)]
pub struct ImageTransformInput {
    /// The region of the image to remain after cropping. Must be used in conjunction with the `maxWidth` and/or `maxHeight` fields, where the `maxWidth` and `maxHeight` aren't equal. The `crop` argument should coincide with the smaller value. A smaller `maxWidth` indicates a `LEFT` or `RIGHT` crop, while a smaller `maxHeight` indicates a `TOP` or `BOTTOM` crop. For example, `{ maxWidth: 5, maxHeight: 10, crop: LEFT }` will result in an image with a width of 5 and height of 10, where the right side of the image is removed.
    pub crop: Option<CropRegion>,
    /// Image height in pixels between 1 and 5760.
    pub max_height: Option<i32>,
    /// Image width in pixels between 1 and 5760.
    pub max_width: Option<i32>,
    /// Convert the source image into the preferred content type. Supported conversions: `.svg` to `.png`, any file type to `.jpg`, and any file type to `.webp`.
    pub preferred_content_type: Option<ImageContentType>,
    /// Image size multiplier for high-resolution retina displays. Must be within 1..3.
    #[graphql(default_with = "Some(1)")]
    pub scale: Option<i32>,
}

/// The part of the image that should remain after cropping.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum CropRegion {
    /// Keep the bottom of the image.
    Bottom,
    /// Keep the center of the image.
    Center,
    /// Keep the left of the image.
    Left,
    /// Keep the right of the image.
    Right,
    /// Keep the top of the image.
    Top,
}

/// List of supported image content types.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum ImageContentType {
    /// A JPG image.
    Jpg,
    /// A PNG image.
    Png,
    /// A WEBP image.
    Webp,
}
