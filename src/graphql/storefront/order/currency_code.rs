//! `CurrencyCode` of the Storefront API 2026-04, value for value (161 values, Shopify's
//! descriptions and deprecations).

use async_graphql::Enum;

/// The three-letter currency codes that represent the world currencies used in stores. These include standard ISO 4217 codes, legacy codes, and non-standard codes.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq, Hash)]
pub enum CurrencyCode {
    /// United Arab Emirates Dirham (AED).
    Aed,
    /// Afghan Afghani (AFN).
    Afn,
    /// Albanian Lek (ALL).
    All,
    /// Armenian Dram (AMD).
    Amd,
    /// Netherlands Antillean Guilder.
    Ang,
    /// Angolan Kwanza (AOA).
    Aoa,
    /// Argentine Pesos (ARS).
    Ars,
    /// Australian Dollars (AUD).
    Aud,
    /// Aruban Florin (AWG).
    Awg,
    /// Azerbaijani Manat (AZN).
    Azn,
    /// Bosnia and Herzegovina Convertible Mark (BAM).
    Bam,
    /// Barbadian Dollar (BBD).
    Bbd,
    /// Bangladesh Taka (BDT).
    Bdt,
    /// Bulgarian Lev (BGN).
    Bgn,
    /// Bahraini Dinar (BHD).
    Bhd,
    /// Burundian Franc (BIF).
    Bif,
    /// Bermudian Dollar (BMD).
    Bmd,
    /// Brunei Dollar (BND).
    Bnd,
    /// Bolivian Boliviano (BOB).
    Bob,
    /// Brazilian Real (BRL).
    Brl,
    /// Bahamian Dollar (BSD).
    Bsd,
    /// Bhutanese Ngultrum (BTN).
    Btn,
    /// Botswana Pula (BWP).
    Bwp,
    /// Belarusian Ruble (BYN).
    Byn,
    /// Belarusian Ruble (BYR).
    #[graphql(
        deprecation = "`BYR` is deprecated. Use `BYN` available from version `2021-01` onwards instead."
    )]
    Byr,
    /// Belize Dollar (BZD).
    Bzd,
    /// Canadian Dollars (CAD).
    Cad,
    /// Congolese franc (CDF).
    Cdf,
    /// Swiss Francs (CHF).
    Chf,
    /// Chilean Peso (CLP).
    Clp,
    /// Chinese Yuan Renminbi (CNY).
    Cny,
    /// Colombian Peso (COP).
    Cop,
    /// Costa Rican Colones (CRC).
    Crc,
    /// Cape Verdean escudo (CVE).
    Cve,
    /// Czech Koruny (CZK).
    Czk,
    /// Djiboutian Franc (DJF).
    Djf,
    /// Danish Kroner (DKK).
    Dkk,
    /// Dominican Peso (DOP).
    Dop,
    /// Algerian Dinar (DZD).
    Dzd,
    /// Egyptian Pound (EGP).
    Egp,
    /// Eritrean Nakfa (ERN).
    Ern,
    /// Ethiopian Birr (ETB).
    Etb,
    /// Euro (EUR).
    Eur,
    /// Fijian Dollars (FJD).
    Fjd,
    /// Falkland Islands Pounds (FKP).
    Fkp,
    /// United Kingdom Pounds (GBP).
    Gbp,
    /// Georgian Lari (GEL).
    Gel,
    /// Ghanaian Cedi (GHS).
    Ghs,
    /// Gibraltar Pounds (GIP).
    Gip,
    /// Gambian Dalasi (GMD).
    Gmd,
    /// Guinean Franc (GNF).
    Gnf,
    /// Guatemalan Quetzal (GTQ).
    Gtq,
    /// Guyanese Dollar (GYD).
    Gyd,
    /// Hong Kong Dollars (HKD).
    Hkd,
    /// Honduran Lempira (HNL).
    Hnl,
    /// Croatian Kuna (HRK).
    Hrk,
    /// Haitian Gourde (HTG).
    Htg,
    /// Hungarian Forint (HUF).
    Huf,
    /// Indonesian Rupiah (IDR).
    Idr,
    /// Israeli New Shekel (NIS).
    Ils,
    /// Indian Rupees (INR).
    Inr,
    /// Iraqi Dinar (IQD).
    Iqd,
    /// Iranian Rial (IRR).
    Irr,
    /// Icelandic Kronur (ISK).
    Isk,
    /// Jersey Pound.
    Jep,
    /// Jamaican Dollars (JMD).
    Jmd,
    /// Jordanian Dinar (JOD).
    Jod,
    /// Japanese Yen (JPY).
    Jpy,
    /// Kenyan Shilling (KES).
    Kes,
    /// Kyrgyzstani Som (KGS).
    Kgs,
    /// Cambodian Riel.
    Khr,
    /// Kiribati Dollar (KID).
    Kid,
    /// Comorian Franc (KMF).
    Kmf,
    /// South Korean Won (KRW).
    Krw,
    /// Kuwaiti Dinar (KWD).
    Kwd,
    /// Cayman Dollars (KYD).
    Kyd,
    /// Kazakhstani Tenge (KZT).
    Kzt,
    /// Laotian Kip (LAK).
    Lak,
    /// Lebanese Pounds (LBP).
    Lbp,
    /// Sri Lankan Rupees (LKR).
    Lkr,
    /// Liberian Dollar (LRD).
    Lrd,
    /// Lesotho Loti (LSL).
    Lsl,
    /// Lithuanian Litai (LTL).
    Ltl,
    /// Latvian Lati (LVL).
    Lvl,
    /// Libyan Dinar (LYD).
    Lyd,
    /// Moroccan Dirham.
    Mad,
    /// Moldovan Leu (MDL).
    Mdl,
    /// Malagasy Ariary (MGA).
    Mga,
    /// Macedonia Denar (MKD).
    Mkd,
    /// Burmese Kyat (MMK).
    Mmk,
    /// Mongolian Tugrik.
    Mnt,
    /// Macanese Pataca (MOP).
    Mop,
    /// Mauritanian Ouguiya (MRU).
    Mru,
    /// Mauritian Rupee (MUR).
    Mur,
    /// Maldivian Rufiyaa (MVR).
    Mvr,
    /// Malawian Kwacha (MWK).
    Mwk,
    /// Mexican Pesos (MXN).
    Mxn,
    /// Malaysian Ringgits (MYR).
    Myr,
    /// Mozambican Metical.
    Mzn,
    /// Namibian Dollar.
    Nad,
    /// Nigerian Naira (NGN).
    Ngn,
    /// Nicaraguan Córdoba (NIO).
    Nio,
    /// Norwegian Kroner (NOK).
    Nok,
    /// Nepalese Rupee (NPR).
    Npr,
    /// New Zealand Dollars (NZD).
    Nzd,
    /// Omani Rial (OMR).
    Omr,
    /// Panamian Balboa (PAB).
    Pab,
    /// Peruvian Nuevo Sol (PEN).
    Pen,
    /// Papua New Guinean Kina (PGK).
    Pgk,
    /// Philippine Peso (PHP).
    Php,
    /// Pakistani Rupee (PKR).
    Pkr,
    /// Polish Zlotych (PLN).
    Pln,
    /// Paraguayan Guarani (PYG).
    Pyg,
    /// Qatari Rial (QAR).
    Qar,
    /// Romanian Lei (RON).
    Ron,
    /// Serbian dinar (RSD).
    Rsd,
    /// Russian Rubles (RUB).
    Rub,
    /// Rwandan Franc (RWF).
    Rwf,
    /// Saudi Riyal (SAR).
    Sar,
    /// Solomon Islands Dollar (SBD).
    Sbd,
    /// Seychellois Rupee (SCR).
    Scr,
    /// Sudanese Pound (SDG).
    Sdg,
    /// Swedish Kronor (SEK).
    Sek,
    /// Singapore Dollars (SGD).
    Sgd,
    /// Saint Helena Pounds (SHP).
    Shp,
    /// Sierra Leonean Leone (SLL).
    Sll,
    /// Somali Shilling (SOS).
    Sos,
    /// Surinamese Dollar (SRD).
    Srd,
    /// South Sudanese Pound (SSP).
    Ssp,
    /// Sao Tome And Principe Dobra (STD).
    #[graphql(
        deprecation = "`STD` is deprecated. Use `STN` available from version `2022-07` onwards instead."
    )]
    Std,
    /// Sao Tome And Principe Dobra (STN).
    Stn,
    /// Syrian Pound (SYP).
    Syp,
    /// Swazi Lilangeni (SZL).
    Szl,
    /// Thai baht (THB).
    Thb,
    /// Tajikistani Somoni (TJS).
    Tjs,
    /// Turkmenistani Manat (TMT).
    Tmt,
    /// Tunisian Dinar (TND).
    Tnd,
    /// Tongan Pa'anga (TOP).
    Top,
    /// Turkish Lira (TRY).
    Try,
    /// Trinidad and Tobago Dollars (TTD).
    Ttd,
    /// Taiwan Dollars (TWD).
    Twd,
    /// Tanzanian Shilling (TZS).
    Tzs,
    /// Ukrainian Hryvnia (UAH).
    Uah,
    /// Ugandan Shilling (UGX).
    Ugx,
    /// United States Dollars (USD).
    Usd,
    /// Uruguayan Pesos (UYU).
    Uyu,
    /// Uzbekistan som (UZS).
    Uzs,
    /// Venezuelan Bolivares (VED).
    Ved,
    /// Venezuelan Bolivares (VEF).
    #[graphql(
        deprecation = "`VEF` is deprecated. Use `VES` available from version `2020-10` onwards instead."
    )]
    Vef,
    /// Venezuelan Bolivares Soberanos (VES).
    Ves,
    /// Vietnamese đồng (VND).
    Vnd,
    /// Vanuatu Vatu (VUV).
    Vuv,
    /// Samoan Tala (WST).
    Wst,
    /// Central African CFA Franc (XAF).
    Xaf,
    /// East Caribbean Dollar (XCD).
    Xcd,
    /// West African CFA franc (XOF).
    Xof,
    /// CFP Franc (XPF).
    Xpf,
    /// Unrecognized currency.
    Xxx,
    /// Yemeni Rial (YER).
    Yer,
    /// South African Rand (ZAR).
    Zar,
    /// Zambian Kwacha (ZMW).
    Zmw,
}

impl CurrencyCode {
    /// The value for a code as Shopify writes it (`CAD`); `None` for a code the enum lacks.
    pub fn from_code(code: &str) -> Option<Self> {
        Some(match code {
            "AED" => Self::Aed,
            "AFN" => Self::Afn,
            "ALL" => Self::All,
            "AMD" => Self::Amd,
            "ANG" => Self::Ang,
            "AOA" => Self::Aoa,
            "ARS" => Self::Ars,
            "AUD" => Self::Aud,
            "AWG" => Self::Awg,
            "AZN" => Self::Azn,
            "BAM" => Self::Bam,
            "BBD" => Self::Bbd,
            "BDT" => Self::Bdt,
            "BGN" => Self::Bgn,
            "BHD" => Self::Bhd,
            "BIF" => Self::Bif,
            "BMD" => Self::Bmd,
            "BND" => Self::Bnd,
            "BOB" => Self::Bob,
            "BRL" => Self::Brl,
            "BSD" => Self::Bsd,
            "BTN" => Self::Btn,
            "BWP" => Self::Bwp,
            "BYN" => Self::Byn,
            "BYR" => Self::Byr,
            "BZD" => Self::Bzd,
            "CAD" => Self::Cad,
            "CDF" => Self::Cdf,
            "CHF" => Self::Chf,
            "CLP" => Self::Clp,
            "CNY" => Self::Cny,
            "COP" => Self::Cop,
            "CRC" => Self::Crc,
            "CVE" => Self::Cve,
            "CZK" => Self::Czk,
            "DJF" => Self::Djf,
            "DKK" => Self::Dkk,
            "DOP" => Self::Dop,
            "DZD" => Self::Dzd,
            "EGP" => Self::Egp,
            "ERN" => Self::Ern,
            "ETB" => Self::Etb,
            "EUR" => Self::Eur,
            "FJD" => Self::Fjd,
            "FKP" => Self::Fkp,
            "GBP" => Self::Gbp,
            "GEL" => Self::Gel,
            "GHS" => Self::Ghs,
            "GIP" => Self::Gip,
            "GMD" => Self::Gmd,
            "GNF" => Self::Gnf,
            "GTQ" => Self::Gtq,
            "GYD" => Self::Gyd,
            "HKD" => Self::Hkd,
            "HNL" => Self::Hnl,
            "HRK" => Self::Hrk,
            "HTG" => Self::Htg,
            "HUF" => Self::Huf,
            "IDR" => Self::Idr,
            "ILS" => Self::Ils,
            "INR" => Self::Inr,
            "IQD" => Self::Iqd,
            "IRR" => Self::Irr,
            "ISK" => Self::Isk,
            "JEP" => Self::Jep,
            "JMD" => Self::Jmd,
            "JOD" => Self::Jod,
            "JPY" => Self::Jpy,
            "KES" => Self::Kes,
            "KGS" => Self::Kgs,
            "KHR" => Self::Khr,
            "KID" => Self::Kid,
            "KMF" => Self::Kmf,
            "KRW" => Self::Krw,
            "KWD" => Self::Kwd,
            "KYD" => Self::Kyd,
            "KZT" => Self::Kzt,
            "LAK" => Self::Lak,
            "LBP" => Self::Lbp,
            "LKR" => Self::Lkr,
            "LRD" => Self::Lrd,
            "LSL" => Self::Lsl,
            "LTL" => Self::Ltl,
            "LVL" => Self::Lvl,
            "LYD" => Self::Lyd,
            "MAD" => Self::Mad,
            "MDL" => Self::Mdl,
            "MGA" => Self::Mga,
            "MKD" => Self::Mkd,
            "MMK" => Self::Mmk,
            "MNT" => Self::Mnt,
            "MOP" => Self::Mop,
            "MRU" => Self::Mru,
            "MUR" => Self::Mur,
            "MVR" => Self::Mvr,
            "MWK" => Self::Mwk,
            "MXN" => Self::Mxn,
            "MYR" => Self::Myr,
            "MZN" => Self::Mzn,
            "NAD" => Self::Nad,
            "NGN" => Self::Ngn,
            "NIO" => Self::Nio,
            "NOK" => Self::Nok,
            "NPR" => Self::Npr,
            "NZD" => Self::Nzd,
            "OMR" => Self::Omr,
            "PAB" => Self::Pab,
            "PEN" => Self::Pen,
            "PGK" => Self::Pgk,
            "PHP" => Self::Php,
            "PKR" => Self::Pkr,
            "PLN" => Self::Pln,
            "PYG" => Self::Pyg,
            "QAR" => Self::Qar,
            "RON" => Self::Ron,
            "RSD" => Self::Rsd,
            "RUB" => Self::Rub,
            "RWF" => Self::Rwf,
            "SAR" => Self::Sar,
            "SBD" => Self::Sbd,
            "SCR" => Self::Scr,
            "SDG" => Self::Sdg,
            "SEK" => Self::Sek,
            "SGD" => Self::Sgd,
            "SHP" => Self::Shp,
            "SLL" => Self::Sll,
            "SOS" => Self::Sos,
            "SRD" => Self::Srd,
            "SSP" => Self::Ssp,
            "STD" => Self::Std,
            "STN" => Self::Stn,
            "SYP" => Self::Syp,
            "SZL" => Self::Szl,
            "THB" => Self::Thb,
            "TJS" => Self::Tjs,
            "TMT" => Self::Tmt,
            "TND" => Self::Tnd,
            "TOP" => Self::Top,
            "TRY" => Self::Try,
            "TTD" => Self::Ttd,
            "TWD" => Self::Twd,
            "TZS" => Self::Tzs,
            "UAH" => Self::Uah,
            "UGX" => Self::Ugx,
            "USD" => Self::Usd,
            "UYU" => Self::Uyu,
            "UZS" => Self::Uzs,
            "VED" => Self::Ved,
            "VEF" => Self::Vef,
            "VES" => Self::Ves,
            "VND" => Self::Vnd,
            "VUV" => Self::Vuv,
            "WST" => Self::Wst,
            "XAF" => Self::Xaf,
            "XCD" => Self::Xcd,
            "XOF" => Self::Xof,
            "XPF" => Self::Xpf,
            "XXX" => Self::Xxx,
            "YER" => Self::Yer,
            "ZAR" => Self::Zar,
            "ZMW" => Self::Zmw,
            _ => return None,
        })
    }

    /// The value for a stored code. A code the enum lacks (a currency Shopify added after
    /// 2026-04, or one an import made up) is shown as `XXX`, which the enum describes as
    /// "Unrecognized currency", rather than failing the whole order.
    pub fn from_code_or_unrecognized(code: &str) -> Self {
        Self::from_code(code).unwrap_or(Self::Xxx)
    }
}
